package org.braid.tutorial;

/**
 * Braid's main job: runs the tutorial's chapters in order and prints what each one shows.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl tutorial -am package exec:exec
 * -DskipTests}. Single-threaded: it runs on the main thread.
 */
public final class Walkthrough {
  private Walkthrough() {}

  /**
   * Runs every chapter.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println("== Braid walkthrough ==");
    System.out.println();
    System.out.println("-- Chapter: Deferreds --");
    new DeferredBasics(System.out).run();
    System.out.println();
    System.out.println("Done.");
  }
}

/** Braid's runnable walkthrough (the main job) and the side-by-side comparison of the two styles. */
module org.braid.tutorial {
  requires org.braid.deferred;
  requires org.braid.reactor;
  requires org.braid.protocols;
  requires org.braid.inline;
  requires org.slf4j;

  exports org.braid.tutorial;
  exports org.braid.tutorial.recipes;
  exports org.braid.tutorial.simulated;
  exports org.braid.tutorial.measure;
}

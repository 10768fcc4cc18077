/** Braid's runnable walkthrough (the main job). */
module org.braid.tutorial {
  requires org.braid.deferred;
  requires org.slf4j;

  exports org.braid.tutorial;
}

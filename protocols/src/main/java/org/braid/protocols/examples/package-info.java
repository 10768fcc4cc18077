/**
 * Runnable examples of the receivers, small enough to read at once and quoted by the tutorial
 * (through their {@code // tag::name[]} regions): {@link org.braid.protocols.examples.LineEchoServer},
 * {@link org.braid.protocols.examples.ChatServer} and {@link org.braid.protocols.examples.LineClient}.
 *
 * <p>Run one with a JDK 21+ after {@code mvn -q -pl protocols -am package -DskipTests}:
 *
 * <pre>{@code
 * CP=protocols/target/classes:reactor/target/classes:deferred/target/classes:$HOME/.m2/repository/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar
 * java -cp $CP org.braid.protocols.examples.LineEchoServer 8000 &
 * java -cp $CP org.braid.protocols.examples.LineClient 127.0.0.1 8000 hello world
 * }</pre>
 *
 * <p>Threads: as everything built on the reactor, reactor thread only, apart from each {@code
 * main}, which builds a reactor and runs it.
 */
package org.braid.protocols.examples;

package org.braid.load.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's floor for the line-echo workload: one thread, one {@link Selector}, no framework.
 *
 * <p>Every read lands in one shared direct buffer; everything up to the last {@code '\n'} is
 * written straight back from it, so a request costs a read and a write system call and no
 * allocation. Only a connection left with part of a line, or with echo bytes the kernel did
 * not take, gets a {@link NioConnection} attached (heap copies of those bytes); while echo
 * bytes are pending the connection is not read (back-pressure). Ready keys are handled
 * through {@link Selector#select(Consumer)}, which allocates no iterator per wake-up.
 *
 * <p>Usage: {@code java -cp braid-load-servers.jar org.braid.load.servers.NioLineEchoServer PORT}.
 * Listens on 127.0.0.1 until the process is killed. Everything runs on the thread that
 * calls {@link #run()}.
 */
public final class NioLineEchoServer {

    private static final Logger log = LoggerFactory.getLogger(NioLineEchoServer.class);
    private static final int MAX_LINE = 64 * 1024;
    private static final int BACKLOG = 4096;
    private static final int BUFFER_SIZE = 256 * 1024;

    private final int port;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private ServerSocketChannel server;

    /**
     * Creates a server for a port; nothing is opened until {@link #run()}.
     *
     * @param port the port to listen on, on 127.0.0.1
     */
    public NioLineEchoServer(int port) {
        this.port = port;
    }

    /**
     * Starts the server on the main thread, which it never returns from.
     *
     * @param args one argument: the port
     * @throws IOException when the listening socket cannot be opened or the selector fails
     */
    public static void main(String[] args) throws IOException {
        new NioLineEchoServer(ServerPort.parse(args, "NioLineEchoServer PORT")).run();
    }

    /**
     * Listens and serves on the calling thread until the process ends.
     *
     * @throws IOException when the listening socket cannot be opened or the selector fails
     */
    public void run() throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel listening = ServerSocketChannel.open()) {
            server = listening;
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
            listening.configureBlocking(false);
            listening.register(selector, SelectionKey.OP_ACCEPT);
            log.info("JDK NIO line echo listening on {} with 1 selector thread", listening.getLocalAddress());
            while (selector.isOpen()) {
                selector.select(onReady);
            }
        }
    }

    private void onReady(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept(key.selector());
            } else if (key.isWritable()) {
                flush(key);
            } else if (key.isReadable()) {
                read(key);
            }
        } catch (IOException e) {
            // A reset at the end of a load run is normal; the connection is simply dropped.
            log.debug("closing {} after {}", key.channel(), e.toString());
            close(key);
        }
    }

    private void accept(Selector selector) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ);
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        NioConnection state = (NioConnection) key.attachment();
        buffer.clear();
        if (state != null && state.carry != null) {
            buffer.put(state.carry);
            state.carry = null;
        }
        int n = channel.read(buffer);
        if (n < 0) {
            close(key);
            return;
        }
        buffer.flip();
        int lineEnd = lastNewline(buffer);
        int rest = buffer.limit() - lineEnd;
        if (rest > MAX_LINE) {
            log.warn("line length {} exceeds maximum {}; closing {}", rest, MAX_LINE, channel);
            close(key);
            return;
        }
        if (rest > 0) {
            state = stateOf(key, state);
            state.carry = copy(buffer, lineEnd, buffer.limit());
        }
        if (lineEnd > 0) {
            buffer.limit(lineEnd);
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                state = stateOf(key, state);
                state.pending = copy(buffer, buffer.position(), buffer.limit());
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }
        if (state != null && state.isEmpty()) {
            key.attach(null);
        }
    }

    private void flush(SelectionKey key) throws IOException {
        NioConnection state = (NioConnection) key.attachment();
        ((SocketChannel) key.channel()).write(state.pending);
        if (!state.pending.hasRemaining()) {
            state.pending = null;
            key.interestOps(SelectionKey.OP_READ);
            if (state.isEmpty()) {
                key.attach(null);
            }
        }
    }

    /** Index just past the last '\n' in the readable bytes, or 0 when there is none. */
    private static int lastNewline(ByteBuffer buf) {
        for (int i = buf.limit() - 1; i >= buf.position(); i--) {
            if (buf.get(i) == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static NioConnection stateOf(SelectionKey key, NioConnection state) {
        if (state != null) {
            return state;
        }
        NioConnection created = new NioConnection();
        key.attach(created);
        return created;
    }

    private static ByteBuffer copy(ByteBuffer from, int start, int end) {
        ByteBuffer copy = ByteBuffer.allocate(end - start);
        copy.put(0, from, start, end - start);
        return copy;
    }

    private static void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            log.debug("closing {} failed: {}", key.channel(), e.toString());
        }
    }
}

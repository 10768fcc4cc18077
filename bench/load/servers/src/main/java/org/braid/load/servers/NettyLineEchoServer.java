package org.braid.load.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's line echo on exactly one event loop thread, the peer Braid is compared with.
 *
 * <p>One {@code MultiThreadIoEventLoopGroup(1, NioIoHandler)} (Netty 4.2's spelling of
 * {@code NioEventLoopGroup(1)}) serves as both the accepting and the child group, so one
 * thread accepts, reads, decodes and writes, like Braid's single reactor. The NIO transport
 * is used rather than the native epoll one because Braid runs on {@code java.nio}; the
 * pipeline is {@link LineBasedFrameDecoder} (64 KiB maximum, delimiter kept) then
 * {@link LineEchoHandler}. Allocator, buffer sizes and the rest stay at Netty's defaults.
 *
 * <p>Usage: {@code java -cp braid-load-servers.jar org.braid.load.servers.NettyLineEchoServer PORT}.
 * Listens on 127.0.0.1 until the process is killed.
 */
public final class NettyLineEchoServer {

    private static final Logger log = LoggerFactory.getLogger(NettyLineEchoServer.class);
    private static final int MAX_LINE = 64 * 1024;
    private static final int BACKLOG = 4096;

    private NettyLineEchoServer() {
    }

    /**
     * Starts the server and blocks the calling (main) thread until the listening channel closes.
     *
     * @param args one argument: the port
     * @throws InterruptedException when the main thread is interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        int port = ServerPort.parse(args, "NettyLineEchoServer PORT");
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(loop, loop)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new LineBasedFrameDecoder(MAX_LINE, false, false),
                                    LineEchoHandler.INSTANCE);
                        }
                    });
            Channel server = bootstrap
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .sync()
                    .channel();
            log.info("Netty line echo listening on {} with 1 event loop thread", server.localAddress());
            server.closeFuture().sync();
        } finally {
            loop.shutdownGracefully();
        }
    }
}

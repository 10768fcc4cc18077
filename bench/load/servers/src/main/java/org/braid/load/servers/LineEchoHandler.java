package org.braid.load.servers;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Echoes every frame it receives and flushes once per read batch.
 *
 * <p>Placed after a {@code LineBasedFrameDecoder} that keeps the delimiter, each frame is a
 * whole line including its {@code '\n'}, and writing the frame back (a retained slice of the
 * read buffer) echoes it without copying. Flushing in {@link #channelReadComplete} instead of
 * per line lets a pipelined batch leave in one {@code write} system call: the idiomatic
 * Netty echo.
 *
 * <p>Stateless and {@link ChannelHandler.Sharable}: one instance serves every connection.
 * Netty calls it on the channel's event loop thread only.
 */
@ChannelHandler.Sharable
final class LineEchoHandler extends ChannelInboundHandlerAdapter {

    /** The one instance; it keeps no per-connection state. */
    static final LineEchoHandler INSTANCE = new LineEchoHandler();

    private static final Logger log = LoggerFactory.getLogger(LineEchoHandler.class);

    private LineEchoHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // A peer that resets its connection is normal at the end of a load run.
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}

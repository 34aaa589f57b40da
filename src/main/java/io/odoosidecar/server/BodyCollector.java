package io.odoosidecar.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Collects a request's body without holding a worker thread: Undertow's IO thread gathers the bytes
 * as they arrive, within a size limit and a deadline, and only a complete body is handed to a
 * worker. A slow or stalled client therefore costs a connection, never one of the workers that
 * answer pushes from Odoo.
 *
 * <p>A body larger than the limit (declared or received) goes to the caller's refusal, on the IO
 * thread, with the connection marked not to be reused; one not complete by the deadline is answered
 * 408 and its connection closed; a client that goes away mid-body is closed.
 */
public final class BodyCollector {
  /** What is done with a complete body, on a worker thread. */
  @FunctionalInterface
  public interface Received {
    void accept(HttpServerExchange exchange, byte[] body);
  }

  private final int maxBody;
  private final Duration timeout;

  /**
   * @param maxBody the largest body taken, in bytes
   * @param timeout how long a whole body may take to arrive, from the end of the headers
   */
  public BodyCollector(int maxBody, Duration timeout) {
    this.maxBody = maxBody;
    this.timeout = timeout;
  }

  /** The size limit, for messages. */
  public int maxBody() {
    return maxBody;
  }

  /**
   * Collects the body of {@code exchange}, then runs {@code received} on a worker; a body over the
   * limit goes to {@code tooLarge} instead.
   */
  public void collect(
      HttpServerExchange exchange, Received received, Consumer<HttpServerExchange> tooLarge) {
    if (exchange.getRequestContentLength() > maxBody) {
      exchange.setPersistent(false); // the body is not read
      tooLarge.accept(exchange);
      return;
    }
    AtomicBoolean settled = new AtomicBoolean();
    XnioExecutor.Key deadline =
        exchange
            .getIoThread()
            .executeAfter(
                () -> timedOut(exchange, settled), timeout.toMillis(), TimeUnit.MILLISECONDS);
    exchange.getRequestReceiver().setMaxBufferSize(maxBody);
    exchange
        .getRequestReceiver()
        .receiveFullBytes(
            (ex, body) -> {
              deadline.remove();
              if (settled.compareAndSet(false, true)) {
                ex.dispatch(() -> received.accept(ex, body));
              }
            },
            (ex, error) -> {
              deadline.remove();
              if (!settled.compareAndSet(false, true)) {
                return;
              }
              if (error instanceof RequestTooBigException) {
                ex.setPersistent(false);
                tooLarge.accept(ex);
              } else {
                IoUtils.safeClose(ex.getConnection()); // the client went away mid-body
              }
            });
  }

  /** A body not complete by the deadline: 408, and the connection closed. */
  private void timedOut(HttpServerExchange exchange, AtomicBoolean settled) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    try {
      exchange.setStatusCode(408);
      exchange.setReasonPhrase("request body not received within " + timeout.toMillis() + " ms");
      exchange.setPersistent(false);
      exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
      exchange
          .getResponseSender()
          .send(
              "request body not received in time",
              new io.undertow.io.IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, io.undertow.io.Sender sender) {
                  IoUtils.safeClose(ex.getConnection());
                }

                @Override
                public void onException(
                    HttpServerExchange ex, io.undertow.io.Sender sender, IOException e) {
                  IoUtils.safeClose(ex.getConnection());
                }
              });
    } catch (RuntimeException e) {
      IoUtils.safeClose(exchange.getConnection());
    }
  }
}

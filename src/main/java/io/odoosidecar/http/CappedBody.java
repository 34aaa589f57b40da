package io.odoosidecar.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A body subscriber keeping at most {@code limit} bytes of an answer: once more arrive, it keeps
 * the first {@code limit}, cancels the rest of the download (the connection is closed) and
 * completes, marked truncated, so that a huge or endless answer never fills the memory.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Bytes> {
  /** What was kept of a body, and whether more was left unread. */
  record Bytes(byte[] body, boolean truncated) {}

  private final int limit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CompletableFuture<Bytes> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  CappedBody(int limit) {
    this.limit = limit;
  }

  /** A body handler giving each answer a subscriber of this limit. */
  static HttpResponse.BodyHandler<Bytes> handler(int limit) {
    return info -> new CappedBody(limit);
  }

  @Override
  public CompletionStage<Bytes> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      int room = limit - kept.size();
      if (buffer.remaining() > room) {
        byte[] part = new byte[room];
        buffer.get(part);
        kept.write(part, 0, part.length);
        subscription.cancel();
        result.complete(new Bytes(kept.toByteArray(), true));
        return;
      }
      byte[] all = new byte[buffer.remaining()];
      buffer.get(all);
      kept.write(all, 0, all.length);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Bytes(kept.toByteArray(), false));
  }
}

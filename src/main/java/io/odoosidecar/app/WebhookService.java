package io.odoosidecar.app;

import io.odoosidecar.pipeline.WebhookReceiver;
import io.odoosidecar.server.HttpService;
import io.odoosidecar.server.Routes;

/** The webhook rules' endpoint: {@code /web/hook/<uuid>}. */
final class WebhookService implements HttpService {
  private final WebhookReceiver receiver;

  WebhookService(WebhookReceiver receiver) {
    this.receiver = receiver;
  }

  @Override
  public void mount(Routes routes) {
    routes.prefix("/web/hook/", receiver.handler());
  }
}

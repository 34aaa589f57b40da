package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.Secret;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PushNonces;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sidecar.dead_letter} on the RPC endpoint asked without the secret or with junk. */
class DeadLetterEndpointHostileTest {
  private static final String SECRET = "dead-letter-secret";
  private static final RpcEndpoint.Request NO_HEADERS =
      new RpcEndpoint.Request(new byte[0], Map.of());

  @TempDir Path dir;
  private EventLog log;
  private PushNonces nonces;
  private long dead;

  @BeforeEach
  void setUp() {
    log = EventLog.embedded(dir);
    nonces = PushNonces.open(log.connectionSource());
    Instant now = Instant.now();
    log.append(
        List.of(new EventLog.NewEvent("odoo", "outbox:1", "crm.lead", 7, "write", "{}")), now);
    dead = log.claim(1, now).get(0).id();
    log.fail(dead, "private detail of record 7", now, 1);
  }

  @AfterEach
  void tearDown() {
    nonces.close();
    log.close();
  }

  @Test
  void searchRead_wrongSecret_refused401() {
    RpcModels service = service(PushReceiver.Auth.SECRET);
    assertThatThrownBy(() -> call(service, "wrong", "search_read", List.of(List.of())))
        .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(401));
  }

  @Test
  void actionReplay_wrongSecret_refusedAndNothingReplayed() {
    RpcModels service = service(PushReceiver.Auth.SECRET);
    assertThatThrownBy(() -> call(service, "", "action_replay", List.of(List.of(dead))))
        .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(401));
    assertThat(log.deadLetters()).extracting(EventLog.Event::id).containsExactly(dead);
  }

  @Test
  void actionReplay_hmacModeUnsigned_refusedEvenWithTheSecretAsPassword() {
    RpcModels service = service(PushReceiver.Auth.HMAC);
    assertThatThrownBy(() -> call(service, SECRET, "action_replay", List.of(List.of(dead))))
        .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(401));
    assertThat(log.deadLetters()).hasSize(1);
  }

  @Test
  void admit_signedCallReplayed_refused409ForTheModelsToo() throws RpcFault {
    RpcModels service = service(PushReceiver.Auth.HMAC);
    byte[] body = "{\"method\":\"call\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String stamp = Long.toString(Instant.now().getEpochSecond());
    String signature =
        "sha256="
            + java.util.HexFormat.of()
                .formatHex(
                    PushReceiver.hmac(
                        SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), stamp, body));
    RpcEndpoint.Request signed =
        new RpcEndpoint.Request(
            body, Map.of("x-sidecar-timestamp", stamp, "x-sidecar-signature", signature));
    service.admit(signed);
    assertThatThrownBy(() -> service.admit(signed))
        .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(409));
  }

  @Test
  void actionReplay_junkIds_refused400() {
    RpcModels service = service(PushReceiver.Auth.SECRET);
    for (Object ids :
        List.of("1; DROP TABLE sidecar_event", List.of(1.5), List.of(-1), List.of("1"))) {
      assertThatThrownBy(() -> call(service, SECRET, "action_replay", List.of(ids)))
          .as(String.valueOf(ids))
          .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(400));
    }
    assertThatThrownBy(() -> call(service, SECRET, "unlink", List.of(List.of(dead))))
        .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(400));
    for (Object domain :
        List.of(
            List.of(List.of("payload", "ilike", "secret")),
            List.of("|", List.of("id", "=", 1)),
            "[('id', '=', 1)]")) {
      assertThatThrownBy(() -> call(service, SECRET, "search_read", List.of(domain)))
          .as(String.valueOf(domain))
          .isInstanceOfSatisfying(RpcFault.class, f -> assertThat(f.status()).isEqualTo(400));
    }
    assertThat(log.deadLetters()).hasSize(1);
  }

  @Test
  void searchRead_theSecret_listsTheDeadLetters() throws RpcFault {
    Object rows =
        call(service(PushReceiver.Auth.SECRET), SECRET, "search_read", List.of(List.of()));
    assertThat(rows)
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .singleElement()
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("id", dead)
        .containsEntry("last_error", "private detail of record 7");
  }

  private RpcModels service(PushReceiver.Auth auth) {
    PushReceiver push =
        new PushReceiver(
            new PushReceiver.Settings(Secret.of(SECRET), auth, Duration.ofMinutes(5), 100),
            log,
            nonces,
            Set.of("odoo"),
            () -> {},
            Clock.systemUTC(),
            Map::of);
    return new RpcModels(
        push,
        Map.of(
            io.odoosidecar.server.models.DeadLetterModel.NAME,
            new io.odoosidecar.server.models.DeadLetterModel(log, () -> {}, Clock.systemUTC())));
  }

  private static Object call(RpcModels service, String password, String method, List<Object> args)
      throws RpcFault {
    return service.execute(
        "odoo",
        1,
        password,
        io.odoosidecar.server.models.DeadLetterModel.NAME,
        method,
        args,
        Map.of(),
        NO_HEADERS);
  }
}

package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  @Test
  void of_sameEventConfigRecord_sameNameBasedUuid() {
    String key = IdempotencyKeys.of(42, "customers", 7);
    assertThat(IdempotencyKeys.of(42, "customers", 7)).isEqualTo(key);
    UUID uuid = UUID.fromString(key);
    assertThat(uuid.version()).isEqualTo(3);
    assertThat(uuid)
        .isEqualTo(UUID.nameUUIDFromBytes("42:customers:7".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void of_anyPartDiffers_keyDiffers() {
    Set<String> keys =
        Set.of(
            IdempotencyKeys.of(42, "customers", 7),
            IdempotencyKeys.of(43, "customers", 7),
            IdempotencyKeys.of(42, "orders", 7),
            IdempotencyKeys.of(42, "customers", 8));
    assertThat(keys).hasSize(4);
  }

  @Test
  void adHoc_stableForItsRun_neverAnEventsKey() {
    assertThat(IdempotencyKeys.adHoc("run-1", "customers", 7))
        .isEqualTo(IdempotencyKeys.adHoc("run-1", "customers", 7))
        .isNotEqualTo(IdempotencyKeys.adHoc("run-2", "customers", 7))
        .isNotEqualTo(IdempotencyKeys.adHoc("run-1", "customers", 8));
    assertThat(IdempotencyKeys.adHoc("42", "customers", 7))
        .isNotEqualTo(IdempotencyKeys.of(42, "customers", 7));
  }
}

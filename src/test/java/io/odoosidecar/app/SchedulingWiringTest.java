package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which jobs a start keeps, paused, until Odoo's offloaded jobs are read. */
class SchedulingWiringTest {
  @Test
  void onlyTheOffloadedJobsOfADatabaseNotReadYetWait() {
    Set<String> read = Set.of("crm");

    assertThat(SchedulingWiring.offloadedOfUnread("sales/ir.cron:7", read)).isTrue();
    assertThat(SchedulingWiring.offloadedOfUnread("crm/ir.cron:7", read)).isFalse();
    assertThat(SchedulingWiring.offloadedOfUnread("sales/nightly", read)).isFalse();
    assertThat(SchedulingWiring.offloadedOfUnread("/ir.cron:7", read)).isFalse();
  }
}

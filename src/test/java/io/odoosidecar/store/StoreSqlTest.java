package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.SidecarException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StoreSqlTest {
  static final String UNIQUE = "23505";

  @Test
  void duplicate_aUniqueViolationAmongTheCauses_isOne() {
    SQLException unique = new SQLException("duplicate key value", UNIQUE);
    assertThat(StoreSql.duplicate(unique)).isTrue();
    assertThat(StoreSql.duplicate(new SidecarException("event log: cannot append", unique)))
        .isTrue();
    assertThat(
            StoreSql.duplicate(
                new IllegalStateException("wrapped", new SidecarException("store", unique))))
        .isTrue();
  }

  @Test
  void duplicate_aBatchsFailureNamingItInANextException_isOne() {
    BatchUpdateException batch =
        new BatchUpdateException("Batch entry 3 was aborted", "25P02", new int[0]);
    batch.setNextException(new SQLException("another", "40001"));
    batch.getNextException().setNextException(new SQLException("duplicate key value", UNIQUE));
    assertThat(StoreSql.duplicate(new SidecarException("event log: cannot append", batch)))
        .isTrue();
  }

  @Test
  void duplicate_otherFailures_areNot() {
    SQLException lost = new SQLException("connection refused", "08001");
    lost.setNextException(new SQLException("aborted", "25P02"));
    assertThat(StoreSql.duplicate(new SidecarException("event log: cannot append", lost)))
        .isFalse();
    assertThat(StoreSql.duplicate(new SidecarException("no SQL in it"))).isFalse();
    assertThat(StoreSql.duplicate(null)).isFalse();
  }
}

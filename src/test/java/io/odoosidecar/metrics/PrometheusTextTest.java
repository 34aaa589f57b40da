package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test's parser of the text format is as strict as it says: it takes the good, refuses the bad.
 */
class PrometheusTextTest {
  static final String HISTOGRAM =
      """
      # HELP t_seconds Time\\\\s \\\\ and\\nlines
      # TYPE t_seconds histogram
      t_seconds_bucket{k="a",le="0.5"} 1
      t_seconds_bucket{k="a",le="1.0"} 2
      t_seconds_bucket{k="a",le="+Inf"} 3
      t_seconds_count{k="a"} 3
      t_seconds_sum{k="a"} 4.25
      """;

  @Test
  void takesEscapesSpecialValuesTimestampsAndHistograms() {
    PrometheusText text =
        PrometheusText.parse(
            HISTOGRAM
                + """
                # TYPE c_total counter
                c_total{v="q\\"u\\\\o\\nte",w="",} 2.5e3 1700000000000
                # a comment
                g NaN

                h	 +Inf
                i -Inf
                """);

    assertThat(text.family("t_seconds").help).isEqualTo("Time\\s \\ and\nlines");
    assertThat(text.value("t_seconds_sum", Map.of("k", "a"))).isEqualTo(4.25);
    PrometheusText.Sample counter = text.samples("c_total").get(0);
    assertThat(counter.labels()).containsEntry("v", "q\"u\\o\nte").containsEntry("w", "");
    assertThat(counter.value()).isEqualTo(2500);
    assertThat(counter.timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(text.value("g", Map.of())).isNaN();
    assertThat(text.value("h", Map.of())).isInfinite().isPositive();
    assertThat(text.value("i", Map.of())).isInfinite().isNegative();
    assertThat(text.family("g").type).isEqualTo("untyped");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9x 1\n",
        "x{1a=\"v\"} 1\n",
        "x{__a=\"v\"} 1\n",
        "x{a=v} 1\n",
        "x{a=\"v} 1\n",
        "x{a=\"\\t\"} 1\n",
        "x{a=\"v\",a=\"w\"} 1\n",
        "x{a=\"v\"b=\"w\"} 1\n",
        "x 1.2.3\n",
        "x nan\n",
        "x 1 2 3\n",
        "x 1 soon\n",
        "x 1 \n",
        "x Inf\n",
        "x 1",
        "x 1\r\n",
        "x 1\nx 2\n",
        "x{a=\"1\"} 1\ny 1\nx{a=\"2\"} 2\n",
        "# TYPE x gauge\n# TYPE x gauge\nx 1\n",
        "# TYPE x thing\nx 1\n",
        "# HELP x a \\t b\nx 1\n",
        "x 1\n# TYPE x gauge\n",
        "# TYPE c counter\nc 1\n",
        "# TYPE c_total counter\nc_total -1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"x\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh_bucket 1\nh_count 1\nh_sum 1\n",
        "# TYPE h histogram\nh 1\n"
      })
  void refusesWhatBreaksTheFormat(String text) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {

  @Test
  void ofTraceback_chainedExceptions_takesTheLastOne() {
    String text =
        "Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    x()\nKeyError: 'nodb'\n\n"
            + "During handling of the above exception, another exception occurred:\n\n"
            + "Traceback (most recent call last):\n  File \"b.py\", line 2, in g\n    y()\n"
            + "odoo.exceptions.ValidationError: first line\nsecond line\n";
    OdooFaultException fault = Faults.ofTraceback(text, 1);
    assertThat(fault.exceptionClass()).isEqualTo("odoo.exceptions.ValidationError");
    assertThat(fault.kind()).isEqualTo(OdooErrorKind.VALIDATION_ERROR);
    assertThat(fault.odooMessage()).isEqualTo("first line\nsecond line");
    assertThat(fault.traceback()).isEqualTo(text);
  }

  @Test
  void ofTraceback_noTraceback_keepsTheText() {
    OdooFaultException fault = Faults.ofTraceback("something odd", 1);
    assertThat(fault.kind()).isEqualTo(OdooErrorKind.SERVER_ERROR);
    assertThat(fault.odooMessage()).isEqualTo("something odd");
  }

  @Test
  void ofXmlRpc_codes_mapToOdoosClasses() {
    assertThat(Faults.ofXmlRpc(2, "Nope").kind()).isEqualTo(OdooErrorKind.USER_ERROR);
    assertThat(Faults.ofXmlRpc(2, "Record does not exist or has been deleted.").kind())
        .isEqualTo(OdooErrorKind.MISSING_ERROR);
    assertThat(Faults.ofXmlRpc(3, "Access Denied")).isInstanceOf(OdooAuthenticationException.class);
    assertThat(Faults.ofXmlRpc(4, "no").kind()).isEqualTo(OdooErrorKind.ACCESS_ERROR);
  }

  @Test
  void ofJson_exceptionClasses_mapToKinds() {
    assertThat(
            Faults.ofJson(
                    Map.of("name", "odoo.exceptions.MissingError", "message", "gone"), "", 200)
                .kind())
        .isEqualTo(OdooErrorKind.MISSING_ERROR);
    assertThat(
            Faults.ofJson(
                    Map.of("name", "odoo.exceptions.RedirectWarning", "message", "go"), "", 200)
                .kind())
        .isEqualTo(OdooErrorKind.REDIRECT_WARNING);
    assertThat(
            Faults.ofJson(Map.of("name", "myaddon.errors.ValidationError", "message", "x"), "", 200)
                .kind())
        .as("only Odoo's own classes count")
        .isEqualTo(OdooErrorKind.SERVER_ERROR);
    assertThat(Faults.ofJson(Map.of("message", "plain"), "fallback", 200).odooMessage())
        .isEqualTo("plain");
  }
}

package io.odoosidecar.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The console's templates, precompiled at build time from {@code src/main/jte} (HTML content type:
 * every value escaped for where it stands), and the last guard on what they render: every
 * configured secret masked, as written and as HTML-escaped.
 */
public final class Templates {
  /** The package the build generates the templates' classes in (see the jte-maven-plugin). */
  static final String PACKAGE = "io.odoosidecar.console.jte";

  /** Secrets shorter than this are not searched for: they would match ordinary text. */
  static final int MIN_SECRET = 4;

  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, Templates.class.getClassLoader(), PACKAGE);
  private final List<String> masked = new ArrayList<>();

  /** Templates whose output never shows any of {@code secrets}. */
  public Templates(List<Secret> secrets) {
    for (Secret secret : secrets) {
      String value = secret.reveal();
      if (value.length() >= MIN_SECRET) {
        StringOutput content = new StringOutput();
        Escape.htmlContent(value, content);
        StringOutput attribute = new StringOutput();
        Escape.htmlAttribute(value, attribute);
        for (String form :
            List.of(value, content.toString(), attribute.toString(), PageRequest.encode(value))) {
          if (!masked.contains(form)) {
            masked.add(form);
          }
        }
      }
    }
    masked.sort((a, b) -> b.length() - a.length());
  }

  /** Renders a template ({@code rules.jte}, ...) with its parameters. */
  public String render(String template, Map<String, Object> params) {
    StringOutput out = new StringOutput(8192);
    engine.render(template, params, out);
    return mask(out.toString());
  }

  private String mask(String html) {
    String out = html;
    for (String value : masked) {
      out = out.replace(value, Redaction.MASK);
    }
    return out;
  }
}

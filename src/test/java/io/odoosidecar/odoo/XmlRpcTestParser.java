package io.odoosidecar.odoo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A small XML-RPC reader written for the tests alone (DOM, by the specification and Python's
 * extensions), so that what the client decodes is checked against an independent reading.
 */
final class XmlRpcTestParser {
  record Call(String method, List<Object> params) {}

  record Response(Object result, boolean fault, int faultCode, String faultString) {}

  private XmlRpcTestParser() {}

  static Call call(String xml) {
    Element root = parse(xml);
    String method = child(root, "methodName").getTextContent().trim();
    List<Object> params = new ArrayList<>();
    Element paramsElement = child(root, "params");
    if (paramsElement != null) {
      for (Element param : children(paramsElement)) {
        params.add(value(child(param, "value")));
      }
    }
    return new Call(method, params);
  }

  static Response response(String xml) {
    Element root = parse(xml);
    Element fault = child(root, "fault");
    if (fault != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> struct = (Map<String, Object>) value(child(fault, "value"));
      return new Response(
          null,
          true,
          ((Long) struct.get("faultCode")).intValue(),
          (String) struct.get("faultString"));
    }
    Element param = child(child(root, "params"), "param");
    return new Response(value(child(param, "value")), false, 0, "");
  }

  static Object value(Element value) {
    List<Element> typed = children(value);
    if (typed.isEmpty()) {
      return value.getTextContent();
    }
    Element e = typed.get(0);
    String text = e.getTextContent();
    switch (e.getTagName()) {
      case "int":
      case "i4":
      case "i8":
        return Long.parseLong(text.trim());
      case "boolean":
        return "1".equals(text.trim());
      case "double":
        return Double.parseDouble(text.trim());
      case "string":
        return text;
      case "nil":
        return null;
      case "base64":
        return Base64.getMimeDecoder().decode(text.trim());
      case "array":
        List<Object> list = new ArrayList<>();
        for (Element v : children(child(e, "data"))) {
          list.add(value(v));
        }
        return list;
      case "struct":
        Map<String, Object> map = new LinkedHashMap<>();
        for (Element member : children(e)) {
          map.put(child(member, "name").getTextContent(), value(child(member, "value")));
        }
        return map;
      default:
        throw new IllegalArgumentException("unknown XML-RPC type " + e.getTagName());
    }
  }

  private static Element parse(String xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory
          .newDocumentBuilder()
          .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
          .getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException("not XML: " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String tag) {
    for (Element e : children(parent)) {
      if (e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element element) {
        out.add(element);
      }
    }
    return out;
  }
}

package io.odoosidecar.odoo;

import java.util.List;
import java.util.Map;
import org.xml.sax.SAXException;

/** Odoo's XML-RPC API: {@code /xmlrpc/2/common} and {@code /xmlrpc/2/object}. */
final class XmlRpcProtocol implements Protocol {
  private static final String CONTENT_TYPE = "text/xml; charset=utf-8";

  private final OdooHttp http;
  private final XmlRpcCodec codec = new XmlRpcCodec();

  XmlRpcProtocol(OdooHttp http) {
    this.http = http;
  }

  @Override
  public TransportKind kind() {
    return TransportKind.XMLRPC;
  }

  @Override
  public ServerVersion version() {
    return ServerVersion.ofCommonVersion(
        ValueCodec.asMap(invoke("/xmlrpc/2/common", "version", List.of())));
  }

  @Override
  public long authenticate(Credentials credentials) {
    return Protocol.uidOrRefuse(
        invoke("/xmlrpc/2/common", "authenticate", Protocol.authenticateParams(credentials)),
        credentials);
  }

  @Override
  public Object call(
      Credentials credentials,
      long uid,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs) {
    return invoke(
        "/xmlrpc/2/object",
        "execute_kw",
        Protocol.executeKwParams(credentials, uid, model, method, args, kwargs));
  }

  private Object invoke(String path, String method, List<Object> params) {
    OdooHttp.Response response =
        http.post(path, CONTENT_TYPE, codec.request(method, params), Map.of());
    String where = "XML-RPC " + path + " " + method;
    Protocol.checkGatewayStatus(where, response);
    if (response.status() != 200) {
      throw Protocol.unexpected(where, response);
    }
    XmlRpcCodec.Answer answer;
    try {
      answer = codec.answer(response.body());
    } catch (SAXException e) {
      throw new OdooTransportException(where + ": " + e.getMessage(), true, 200, false, e);
    }
    if (answer.fault()) {
      throw Faults.ofXmlRpc(answer.faultCode(), answer.faultString());
    }
    return answer.result();
  }
}

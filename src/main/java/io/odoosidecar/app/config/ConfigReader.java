package io.odoosidecar.app.config;

import io.odoosidecar.app.ConfigException;
import io.odoosidecar.app.SidecarConfig;
import io.odoosidecar.app.SidecarConfig.ServerConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a configuration file section by section, each section checking its own keys against the
 * {@link ConfigCatalogue}; the first mistake stops the reading with a {@link ConfigException}
 * naming the file and the key.
 */
public final class ConfigReader {
  private ConfigReader() {}

  /** Reads {@code file} (which may be absent: the environment alone then configures). */
  public static SidecarConfig read(Path file, Map<String, String> env) {
    ConfigNode root = ConfigNode.load(file);
    root.allowOnlyCatalogued();
    OdooSection.Connections odoo = OdooSection.read(root, env);
    ServerConfig server = ServerSection.read(root);
    return new SidecarConfig(
        file,
        odoo.byName(),
        odoo.defaultName(),
        server,
        DataDirSection.read(root),
        EventLogSection.read(root, env),
        PushSection.read(root, server, env),
        PipelineSection.read(root),
        PollSection.read(root),
        PythonSection.read(root),
        SyncSection.read(root),
        HistorySection.read(root),
        ConsoleSection.read(root),
        LoggingSection.read(root),
        MetricsSection.read(root),
        InstanceSection.read(root));
  }
}

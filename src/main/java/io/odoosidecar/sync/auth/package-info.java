/**
 * The auth kinds of sync configs: {@link io.odoosidecar.sync.auth.AuthKinds#parse} reads an {@code
 * auth:} mapping into a {@link io.odoosidecar.sync.auth.SyncAuth}, whose signer adds the
 * credentials to every try of a call.
 */
package io.odoosidecar.sync.auth;

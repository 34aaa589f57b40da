/**
 * Outbound HTTP for the API sync: a call ({@link io.odoosidecar.http.HttpCall}), its retries
 * ({@link io.odoosidecar.http.Retry}), its credentials ({@link io.odoosidecar.http.Signer}), and
 * the {@link io.odoosidecar.http.RetryingSender} that ends every send in an {@link
 * io.odoosidecar.http.Outcome} with the list of its {@link io.odoosidecar.http.Attempt}s, secret
 * headers masked.
 */
package io.odoosidecar.http;

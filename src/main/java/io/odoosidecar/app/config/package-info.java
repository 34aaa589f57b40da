/**
 * Reading the sidecar's configuration file: one class per section, each reading and checking its
 * own keys, and the catalogue of every key with its default and meaning.
 */
package io.odoosidecar.app.config;

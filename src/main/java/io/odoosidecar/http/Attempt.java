package io.odoosidecar.http;

import java.time.Duration;

/**
 * What one try of a call did, as the sync log and the attempt log keep it: the request with its
 * secret headers already masked, and either the answer or the error.
 *
 * @param number the try's number, from 1 (a try again after a 401 counts here too)
 * @param call the request as sent, secret header values masked
 * @param answer the answer, or null when none came (connection refused, time-out, ...)
 * @param error what went wrong when no answer came, or null
 * @param took how long the try took, by the sender's clock
 */
public record Attempt(int number, HttpCall call, HttpAnswer answer, String error, Duration took) {}

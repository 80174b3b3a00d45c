// The sensitivity slider: the user's own threshold, or the server's while that is in use.
// The server's is shown only once known (its /v1/info), never a made-up stand-in.

/** The server's sentence threshold from its /v1/info answer, or null. */
export function serverThresholdOf(info) {
  const t = Number(info?.thresholds?.sentence ?? info?.threshold);
  return info && t > 0 && t < 1 ? t : null;
}

/**
 * What the slider shows: {value, label}. The user's own threshold (else the server's, else
 * 0.70, as a starting point) when `custom`; else the server's, labelled as such, or no value
 * at all (the slider is hidden) while the server's is not known.
 */
export function thresholdView({ custom, own = null, server = null }) {
  if (custom) {
    const value = own ?? server ?? 0.7;
    return { value, label: Number(value).toFixed(2) };
  }
  if (server != null) return { value: server, label: `server default (${server.toFixed(2)})` };
  return { value: null, label: "server default" };
}

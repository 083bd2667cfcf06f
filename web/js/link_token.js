// The token of an emailed link (/verify.html#token=...): read from the fragment, which no server or log ever
// sees, then removed from the address bar so it is not left in the history or a screenshot.
export function takeLinkToken() {
  const value = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  if (value) history.replaceState(null, "", location.pathname);
  return value;
}

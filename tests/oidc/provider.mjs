// A real OpenID provider for the tests: the npm registry's `oidc-provider` (the certified Node
// implementation), with one client (Prism) and the accounts given as JSON. Its development
// interactions are on: a sign-in form that takes any account id and any password, then a
// consent page. Prints "ready" once it listens.
//
//   node tests/oidc/provider.mjs  (settings from OIDC_* environment variables)
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      post_logout_redirect_uris: [process.env.OIDC_POST_LOGOUT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
    {
      // Another application at the same company: its tokens are not for Prism.
      client_id: "other-app",
      client_secret: "other-app-secret",
      redirect_uris: ["http://other-app.example/callback"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
    groups: ["groups", "department"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  // Claims in the ID token itself, as Okta and Entra put them, not only at /userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["prism-tests-only"] },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 3600) },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log("ready"));

// A real OpenID Connect provider (panva's oidc-provider) on loopback, for the SSO tests.
// Usage: node oidc.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI [REDIRECT_URI...]
// Its built-in sign-in page takes any login and password; the login typed in becomes
// the e-mail address the provider asserts, so a test chooses whom the IdP vouches for.
import Provider from "oidc-provider";

const [port, clientId, clientSecret, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id.split("@")[0] };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["crosspaths-test-only-cookie-key"] },
});
provider.on("server_error", (ctx, err) => console.error("server_error", err));

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Testing;

/// <summary>Signing keys as a JWKS document serves them, for tests that mint their own tokens.</summary>
public static class TestKeys
{
    /// <summary>The public half of <paramref name="rsa"/> as a JWK; Bot Framework keys list the channels they are endorsed for.</summary>
    public static JsonObject Jwk(RSA rsa, string kid, params string[] endorsements)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        var parameters = rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (endorsements.Length > 0)
        {
            jwk["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)e)]);
        }
        return jwk;
    }

    /// <summary>A JWKS document with <paramref name="keys"/>.</summary>
    public static string Jwks(params JsonObject[] keys) => new JsonObject { ["keys"] = new JsonArray([.. keys]) }.ToJsonString();
}

using System;
using System.Text;

namespace FastCgi.Aot.Testing.TestApp;

/// <summary>The Authorizer and the Filter of the test application.</summary>
public static class Roles
{
    public const string Token = "Bearer test-token";

    [FcgiAuthorizer]
    public static FcgiResult Authorize([FcgiHeader("Authorization")] string? authorization, FcgiRequest request) =>
        authorization == Token
            ? FcgiResults.Ok()
                .WithHeader("Variable-AUTH_USER", "alice")
                .WithHeader("Variable-AUTH_PATH", request.GetPathString())
                .WithHeader("Variable-HAS_CONTENT_LENGTH", request.TryGetParam("CONTENT_LENGTH"u8, out _) ? "yes" : "no")
            : FcgiResults.Unauthorized("A valid bearer token is required.").WithHeader("WWW-Authenticate", "Bearer");

    /// <summary>The DATA stream upper-cased, with the length and time the web server announced.</summary>
    [FcgiFilter]
    public static FcgiResult Shout(
        [FcgiData] string data,
        [FcgiParam("FCGI_DATA_LENGTH")] int length,
        [FcgiParam("FCGI_DATA_LAST_MOD")] long lastModified,
        FcgiRequest request) =>
        request.Data.Length == length
            ? FcgiResults.Text(data.ToUpperInvariant() + "|" + lastModified + "|" + Encoding.UTF8.GetString(request.Body))
            : FcgiResults.BadRequest("The DATA stream is incomplete.");
}

using System;
using System.Threading;
using FastCgi.Aot;

// An application that plays all three FastCGI roles: a page, an authorizer in front of it, and a
// filter that upper-cases the files the web server sends it.
public static class Pages
{
    [FcgiRoute("/home")]
    public static string Home([FcgiParam("REMOTE_USER")] string? user) => "Welcome, " + (user ?? "stranger") + "!";
}

public static class Gate
{
    [FcgiAuthorizer]
    public static FcgiResult Authorize([FcgiHeader("Authorization")] string? authorization, CancellationToken aborted)
    {
        aborted.ThrowIfCancellationRequested();
        return authorization == "Bearer secret"
            ? FcgiResults.Ok().WithHeader("Variable-HELLO_USER", "alice")
            : FcgiResults.Unauthorized("A valid bearer token is required.").WithHeader("WWW-Authenticate", "Bearer");
    }
}

public static class Shout
{
    [FcgiFilter]
    public static FcgiResult Upper([FcgiData] string data, [FcgiParam("FCGI_DATA_LENGTH")] int length, FcgiRequest request)
    {
        // FastCGI 1.0 §6.4: a filter should check it received FCGI_DATA_LENGTH bytes of DATA.
        return request.Data.Length == length
            ? FcgiResults.Text(data.ToUpperInvariant(), "text/html; charset=utf-8")
            : FcgiResults.BadRequest("The DATA stream is shorter than FCGI_DATA_LENGTH.");
    }
}

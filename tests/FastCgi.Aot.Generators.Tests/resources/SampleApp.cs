using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot;
using FastCgi.Aot.Generators.Tests;

[assembly: FcgiJsonContext(typeof(TestJsonContext))]

namespace Sample;

public enum Color
{
    Red,
    Green,
    Blue,
}

public static class Api
{
    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    [FcgiRoute("/add")]
    public static int Add(int a, int b) => a + b;

    [FcgiRoute("/users/{id}")]
    public static User? GetUser(int id) => id == 42 ? new User(42, "Ada") : null;

    [FcgiRoute("/users/me")]
    public static string Me() => "me";

    [FcgiRoute("/users", Method = "POST")]
    public static User CreateUser(User user) => user with { Id = user.Id + 1 };

    [FcgiRoute("/echo", Method = "POST")]
    public static void Echo(FcgiRequest request, FcgiResponse response)
    {
        response.ContentType = "text/plain";
        response.Write(request.Body);
    }

    [FcgiRoute("/slow")]
    public static async ValueTask<string> Slow(int ms, CancellationToken aborted)
    {
        await Task.Delay(ms, aborted);
        return aborted.CanBeCanceled ? "slept, cancellable" : "slept";
    }

    [FcgiRoute("/files/{*path}")]
    public static string Files(string path) => "file:" + path;

    [FcgiRoute("/item/{name}", Method = "PUT")]
    public static string PutItem(string name) => "put " + name;

    [FcgiRoute("/item/{name}", Method = "DELETE")]
    public static string DeleteItem(string name) => "deleted " + name;

    [FcgiRoute("/types")]
    public static string Types(
        long l, double d, decimal m, bool flag, char c, Guid g, DateTime dt, DateTimeOffset dto, TimeSpan ts, Color color,
        byte b = 7, int? maybe = null, string? text = null, [FcgiQuery("page-size")] int pageSize = 10, Color fallback = Color.Blue) =>
        FormattableString.Invariant($"{l}|{d}|{m}|{flag}|{c}|{g}|{dt:O}|{dto:O}|{ts}|{color}|{b}|{maybe?.ToString() ?? "null"}|{text ?? "null"}|{pageSize}|{fallback}");

    [FcgiRoute("/version/{v}")]
    public static string Parsable(Version v, Half h = default) => v.ToString() + "/" + ((float)h).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [FcgiRoute("/who")]
    public static string Who([FcgiParam("REMOTE_ADDR")] string address, [FcgiHeader("User-Agent")] string? agent, [FcgiHeader("X-Count")] int count = 1) =>
        $"{address} {agent ?? "none"} {count}";

    [FcgiRoute("/body/bytes", Method = "POST")]
    public static int BodyBytes(ReadOnlyMemory<byte> body) => body.Length;

    [FcgiRoute("/body/string", Method = "POST")]
    public static string BodyString([FcgiBody] string body) => "<" + body + ">";

    [FcgiRoute("/body/stream", Method = "POST")]
    public static async Task<string> BodyStream(Stream body)
    {
        using var reader = new StreamReader(body);
        return "stream:" + await reader.ReadToEndAsync();
    }

    [FcgiRoute("/body/point", Method = "POST")]
    public static string BodyPoint(Point? point) => point is { } p ? $"{p.X},{p.Y}" : "no point";

    [FcgiRoute("/bytes")]
    public static byte[] Bytes() => [1, 2, 3];

    [FcgiRoute("/memory")]
    public static ReadOnlyMemory<byte> Memory() => new byte[] { 4, 5 };

    [FcgiRoute("/double")]
    public static double Double() => 1.5;

    [FcgiRoute("/bool")]
    public static Task<bool> Bool() => Task.FromResult(true);

    [FcgiRoute("/list")]
    public static async Task<User[]> List()
    {
        await Task.Yield();
        return [new User(1, "a"), new User(2, "b")];
    }

    [FcgiRoute("/maybe/{id}")]
    public static int? Maybe(int id) => id > 0 ? id : null;

    [FcgiRoute("/result/{kind}")]
    public static FcgiResult Result(string kind) => kind switch
    {
        "missing" => FcgiResults.NotFound("no such thing"),
        "bad" => FcgiResults.BadRequest("bad thing"),
        "moved" => FcgiResults.Redirect("/hello"),
        "json" => FcgiResults.Json(new User(7, "Json"), TestJsonContext.Default.User, 201),
        _ => FcgiResults.Text("teapot", statusCode: 418).WithHeader("X-Kind", kind),
    };

    [FcgiRoute("/task", Method = "POST")]
    public static Task NoResult(FcgiResponse response)
    {
        response.StatusCode = 202;
        return Task.CompletedTask;
    }

    [FcgiRoute("/valuetask", Method = "POST")]
    public static async ValueTask NoResultAsync(FcgiResponse response)
    {
        await Task.Yield();
        response.StatusCode = 204;
    }

    [FcgiRoute("/")]
    public static string Root() => "root";
}

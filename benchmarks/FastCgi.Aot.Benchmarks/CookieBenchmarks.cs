using System;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// Cookies both ways: finding one in a browser's <c>Cookie</c> header (as a <c>[FcgiCookie]</c>
/// binder will), and writing a session cookie with every attribute, on a response reused between
/// calls and into a span. Every row shows 0 B (measured with <c>--job short</c>): the header is read
/// in place and the Set-Cookie is formatted on the stack.
/// </summary>
[MemoryDiagnoser]
public class CookieBenchmarks
{
    private readonly byte[] _cookieHeader =
        "_ga=GA1.2.1234567890.1700000000; theme=dark; lang=en-US; consent=\"analytics=0&ads=0\"; csrftoken=Xq3k9LmP0aZ7; sid=31d4d96e407aad42b5f3"u8.ToArray();

    private readonly FcgiCookieOptions _options = new()
    {
        Path = "/",
        Domain = "notes.example",
        MaxAge = TimeSpan.FromDays(7),
        Expires = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero),
        HttpOnly = true,
        Secure = true,
        SameSite = FcgiSameSite.Lax,
    };

    private readonly FcgiResponse _response = new();
    private readonly byte[] _destination = new byte[512];

    [GlobalSetup]
    public void Setup()
    {
        // The rows must find the last cookie and write the whole Set-Cookie, not fail early.
        int written = FormatSetCookie();
        if (FindCookie() != "31d4d96e407aad42b5f3".Length || System.Text.Encoding.ASCII.GetString(_destination, 0, written) != SetCookieValue ||
            ResponseWithCookie() <= SetCookieValue.Length)
        {
            throw new InvalidOperationException("The cookie was not found or the Set-Cookie not written.");
        }
    }

    private static string SetCookieValue =>
        "sid=31d4d96e407aad42b5f3; Path=/; Domain=notes.example; Max-Age=604800; Expires=Thu, 31 Dec 2026 23:59:59 GMT; Secure; HttpOnly; SameSite=Lax";

    /// <summary>The last of six cookies, so the whole header is walked.</summary>
    [Benchmark]
    public int FindCookie() => FcgiBinding.TryGetCookieValue(_cookieHeader, "sid"u8, out ReadOnlySpan<byte> value) ? value.Length : -1;

    /// <summary>Validation and formatting of a Set-Cookie with every attribute.</summary>
    [Benchmark]
    public int FormatSetCookie() => SetCookieFormatter.Format("sid", "31d4d96e407aad42b5f3", _options, delete: false, _destination);

    /// <summary>The same through <see cref="FcgiResponse.WithCookie"/>, into the response's header buffer.</summary>
    [Benchmark]
    public int ResponseWithCookie()
    {
        FcgiResponse response = _response;
        response.Clear();
        response.WithCookie("sid", "31d4d96e407aad42b5f3", _options);
        return response.MaxHeaderBlockLength;
    }
}

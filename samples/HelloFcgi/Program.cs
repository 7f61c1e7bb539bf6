using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot;

[assembly: FcgiJsonContext(typeof(HelloFcgi.HelloJsonContext))]

return FcgiServer.Run(args);

namespace HelloFcgi
{
    /// <summary>The reference sample's routes: a stable contract that outside tools test against.</summary>
    internal static class Routes
    {
        [FcgiRoute("/hello")]
        public static string Hello() => "Hello, World!";

        /// <summary>Returns the request body byte for byte, with the request's Content-Type.</summary>
        [FcgiRoute("/echo", Method = "POST")]
        public static async ValueTask Echo(FcgiRequest request, FcgiResponse response)
        {
            response.ContentType = request.TryGetParam("CONTENT_TYPE"u8, out ReadOnlySpan<byte> type) && !type.IsEmpty
                ? System.Text.Encoding.UTF8.GetString(type)
                : "application/octet-stream";

            // A body past --spool-threshold-bytes lives in a temporary file: stream it back
            // (reads on the thread pool, writes with back-pressure from the web server).
            using System.IO.Stream body = request.OpenBodyStream();
            await body.CopyToAsync(response.Body, request.Aborted).ConfigureAwait(false);
        }

        [FcgiRoute("/slow")]
        public static async ValueTask<string> Slow(int ms, CancellationToken aborted)
        {
            await Task.Delay(ms, aborted).ConfigureAwait(false);
            return "slept " + ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        [FcgiRoute("/add")]
        public static int Add(int a, int b) => a + b;

        [FcgiRoute("/users/{id}")]
        public static User GetUser(int id) => new(id, "user" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>Every CGI parameter received, one <c>NAME=value</c> line each.</summary>
        [FcgiRoute("/params")]
        public static void Params(FcgiRequest request, FcgiResponse response)
        {
            response.ContentType = "text/plain; charset=utf-8";
            foreach (FcgiParam param in request.Params)
            {
                response.Write(param.Name);
                response.Write("="u8);
                response.Write(param.Value);
                response.Write("\n"u8);
            }
        }
    }

    /// <summary>The sample's Authorizer and Filter role handlers.</summary>
    internal static class Roles
    {
        // "Bearer " + HELLO_TOKEN, read once; with no token set nothing is authorized.
        private static readonly byte[]? s_expected =
            Environment.GetEnvironmentVariable("HELLO_TOKEN") is { Length: > 0 } token ? Encoding.UTF8.GetBytes("Bearer " + token) : null;

        /// <summary>
        /// Authorizes a request whose Authorization header is <c>Bearer $HELLO_TOKEN</c> and passes
        /// <c>HELLO_USER</c> on to the web server; denies any other with 401.
        /// </summary>
        [FcgiAuthorizer]
        public static FcgiResult Authorize([FcgiHeader("Authorization")] string? authorization) =>
            s_expected is not null && authorization is not null &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), s_expected)
                ? FcgiResults.Ok().WithHeader("Variable-HELLO_USER", "hello")
                : FcgiResults.Unauthorized("A valid bearer token is required.\n").WithHeader("WWW-Authenticate", "Bearer");

        /// <summary>Returns the DATA stream (the file being filtered) with ASCII letters upper-cased.</summary>
        [FcgiFilter]
        public static void UpperCase(FcgiRequest request, FcgiResponse response)
        {
            response.ContentType = "text/plain; charset=utf-8";
            ReadOnlySpan<byte> data = request.Data;
            Span<byte> chunk = stackalloc byte[256];
            while (!data.IsEmpty)
            {
                int length = Math.Min(chunk.Length, data.Length);
                for (int i = 0; i < length; i++)
                {
                    byte b = data[i];
                    chunk[i] = b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
                }

                response.Write(chunk.Slice(0, length));
                data = data.Slice(length);
            }
        }
    }

    internal sealed record User(int Id, string Name);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(User))]
    internal sealed partial class HelloJsonContext : JsonSerializerContext;
}

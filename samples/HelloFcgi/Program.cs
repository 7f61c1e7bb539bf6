using System;
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
        public static ValueTask Echo(FcgiRequest request, FcgiResponse response)
        {
            response.ContentType = request.TryGetParam("CONTENT_TYPE"u8, out ReadOnlySpan<byte> type) && !type.IsEmpty
                ? System.Text.Encoding.UTF8.GetString(type)
                : "application/octet-stream";
            return response.WriteAsync(request.BodyMemory, request.Aborted);
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

    internal sealed record User(int Id, string Name);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(User))]
    internal sealed partial class HelloJsonContext : JsonSerializerContext;
}

using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot;
using FastCgi.Aot.Generators.Tests;

[assembly: FcgiJsonContext(typeof(TestJsonContext))]

static class Api
{
    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    [FcgiRoute("/add")]
    public static int Add(int a, int b) => a + b;

    [FcgiRoute("/users/{id}")]
    public static User? GetUser(int id) => id == 1 ? new User(1, "Ada") : null;

    [FcgiRoute("/echo", Method = "POST")]
    public static void Echo(FcgiRequest request, FcgiResponse response) => response.Write(request.Body);

    [FcgiRoute("/slow")]
    public static async ValueTask<string> Slow(int ms, CancellationToken aborted)
    {
        await Task.Delay(ms, aborted);
        return "done";
    }
}

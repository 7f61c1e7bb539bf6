using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.LoadApp;

/// <summary>
/// One route per shape of benchmarks/load/run.sh, written with the public API as a user would.
/// Every contender in benchmarks/load/contenders answers the same bytes for each.
/// </summary>
internal static class LoadRoutes
{
    /// <summary>Shapes hello, mem, haproxy and conn-per-request.</summary>
    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    /// <summary>Shape users: a small JSON object built from a route value.</summary>
    [FcgiRoute("/users/{id}")]
    public static User GetUser(int id)
    {
        string name = "user" + id.ToString(CultureInfo.InvariantCulture);
        return new User(id, name, name + "@example.com", Active: true);
    }

    /// <summary>Shape json: a 1 KiB JSON body deserialized, answered with JSON.</summary>
    [FcgiRoute("/json", Method = "POST")]
    public static OrderSummary Json(Order order)
    {
        int quantity = 0;
        long total = 0;
        foreach (OrderItem item in order.Items)
        {
            quantity += item.Quantity;
            total += (long)item.Quantity * item.Price;
        }

        return new OrderSummary(order.Id, order.Customer, order.Items.Length, quantity, total);
    }

    /// <summary>Shape form: ten urlencoded fields, decoded and typed (see <see cref="FormFields"/>).</summary>
    [FcgiRoute("/form", Method = "POST")]
    public static FcgiResult Form(FcgiRequest request) =>
        FormFields.TryBind(request.Body, out FormAnswer? answer)
            ? FcgiResults.Json(answer, LoadJsonContext.Default.FormAnswer)
            : FcgiResults.BadRequest("The form lacks a field or has an invalid value.");

    /// <summary>
    /// Shapes large-64k and large-1m: the first n bytes of <see cref="Payload"/>, written with
    /// <see cref="FcgiResponse.WriteAsync"/> as docs/handlers.md recommends for large bodies.
    /// </summary>
    [FcgiRoute("/bytes/{n}")]
    public static ValueTask Bytes(int n, FcgiResponse response, CancellationToken aborted)
    {
        if (n < 0 || n > Payload.MaxLength)
        {
            response.StatusCode = 400;
            response.ContentType = "text/plain; charset=utf-8";
            response.Write("n must be between 0 and 1048576.");
            return ValueTask.CompletedTask;
        }

        response.ContentType = "application/octet-stream";
        return response.WriteAsync(Payload.Bytes.AsMemory(0, n), aborted);
    }

    /// <summary>Shape upload: the body's length and the plain sum of its bytes (a loop, as every contender writes it).</summary>
    [FcgiRoute("/upload", Method = "POST")]
    public static UploadAnswer Upload(FcgiRequest request)
    {
        ReadOnlySpan<byte> body = request.Body;
        long sum = 0;
        foreach (byte b in body)
        {
            sum += b;
        }

        return new UploadAnswer(body.Length, sum);
    }
}

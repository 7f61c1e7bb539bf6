using System;
using System.Buffers;
using System.Globalization;
using System.IO;
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

    /// <summary>Shape blocking-hello: the same answer from a worker thread of the Blocking pool, the cost of <c>Blocking = true</c>.</summary>
    [FcgiRoute("/blocking/hello", Blocking = true)]
    public static string BlockingHello() => "Hello, World!";

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

    /// <summary>Shape form: ten urlencoded fields, bound by the generated form binder and answered as JSON.</summary>
    [FcgiRoute("/form", Method = "POST")]
    public static FormAnswer Form(
        [FcgiForm] string name, [FcgiForm] string email, [FcgiForm] int age, [FcgiForm] string city, [FcgiForm] string country,
        [FcgiForm] string lang, [FcgiForm] bool newsletter, [FcgiForm] string plan, [FcgiForm] int seats, [FcgiForm] string comment) =>
        new(name, email, age, city, country, lang, newsletter, plan, seats, comment);

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

    /// <summary>
    /// Shape upload: the body's length and the plain sum of its bytes (a loop, as every contender
    /// writes it), read as a stream, which works whether the server kept the body in memory or
    /// spooled it to a file past <c>--spool-threshold-bytes</c> (asynchronously: a spooled body is
    /// read from disk, which must not hold up the I/O thread).
    /// </summary>
    [FcgiRoute("/upload", Method = "POST")]
    public static async ValueTask<UploadAnswer> Upload(FcgiRequest request, CancellationToken aborted)
    {
        await using Stream body = request.OpenBodyStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long length = 0;
            long sum = 0;
            int read;
            while ((read = await body.ReadAsync(chunk, aborted).ConfigureAwait(false)) > 0)
            {
                sum += Sum(chunk.AsSpan(0, read));
                length += read;
            }

            return new UploadAnswer(length, sum);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static long Sum(ReadOnlySpan<byte> bytes)
    {
        long sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum;
    }
}

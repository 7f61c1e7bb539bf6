// The Kestrel contender: an ASP.NET Core minimal API published with NativeAOT, listening on a
// Unix socket behind nginx proxy_pass (the .NET stack a user would pick today). One endpoint per
// shape of benchmarks/load/run.sh, answering the same bytes as every other contender.
using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

string socket = args[0];
File.Delete(socket);
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(options =>
{
    options.ListenUnixSocket(socket);
    options.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
});
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, LoadJsonContext.Default));
WebApplication app = builder.Build();

byte[] payload = new byte[1 << 20];
const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
for (int i = 0; i < payload.Length; i++)
{
    payload[i] = (byte)Alphabet[i & 63];
}

app.MapGet("/hello", () => Results.Text("Hello, World!", "text/plain; charset=utf-8"));

app.MapGet("/users/{id:int}", (int id) =>
{
    string name = "user" + id.ToString(CultureInfo.InvariantCulture);
    return Results.Json(new User(id, name, name + "@example.com", true), LoadJsonContext.Default.User);
});

app.MapPost("/json", (Order order) =>
{
    int quantity = 0;
    long total = 0;
    foreach (OrderItem item in order.Items)
    {
        quantity += item.Quantity;
        total += (long)item.Quantity * item.Price;
    }

    return Results.Json(new OrderSummary(order.Id, order.Customer, order.Items.Length, quantity, total), LoadJsonContext.Default.OrderSummary);
});

app.MapPost("/form", async (HttpRequest request) =>
{
    IFormCollection form = await request.ReadFormAsync();
    if (!int.TryParse(form["age"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int age) ||
        !int.TryParse(form["seats"], NumberStyles.Integer, CultureInfo.InvariantCulture, out int seats) ||
        !bool.TryParse(form["newsletter"], out bool newsletter) ||
        Missing(form, "name", "email", "city", "country", "lang", "plan", "comment"))
    {
        return Results.Text("bad form", "text/plain; charset=utf-8", statusCode: 400);
    }

    return Results.Json(
        new FormAnswer(form["name"]!, form["email"]!, age, form["city"]!, form["country"]!, form["lang"]!, newsletter, form["plan"]!, seats, form["comment"]!),
        LoadJsonContext.Default.FormAnswer);
});

app.MapGet("/bytes/{n:int}", async (int n, HttpResponse response) =>
{
    if (n < 0 || n > payload.Length)
    {
        response.StatusCode = 400;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync("n must be between 0 and 1048576.");
        return;
    }

    response.ContentType = "application/octet-stream";
    response.ContentLength = n;
    await response.Body.WriteAsync(payload.AsMemory(0, n));
});

app.MapPost("/upload", async (HttpRequest request) =>
{
    byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    long bytes = 0;
    long sum = 0;
    try
    {
        int n;
        while ((n = await request.Body.ReadAsync(buffer)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                sum += buffer[i];
            }

            bytes += n;
        }
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }

    return Results.Json(new UploadAnswer(bytes, sum), LoadJsonContext.Default.UploadAnswer);
});

app.Run();

static bool Missing(IFormCollection form, params string[] keys)
{
    foreach (string key in keys)
    {
        if (StringValues.IsNullOrEmpty(form[key]))
        {
            return true;
        }
    }

    return false;
}

internal sealed record User(int Id, string Name, string Email, bool Active);

internal sealed record Order(int Id, string Customer, string Email, string Currency, OrderItem[] Items, string Note);

internal sealed record OrderItem(string Sku, string Name, int Quantity, int Price);

internal sealed record OrderSummary(int Id, string Customer, int Items, int Quantity, long Total);

internal sealed record FormAnswer(string Name, string Email, int Age, string City, string Country, string Lang, bool Newsletter, string Plan, int Seats, string Comment);

internal sealed record UploadAnswer(long Bytes, long Sum);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderSummary))]
[JsonSerializable(typeof(FormAnswer))]
[JsonSerializable(typeof(UploadAnswer))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;

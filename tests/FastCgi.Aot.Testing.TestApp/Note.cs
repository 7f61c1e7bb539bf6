using System.Text.Json.Serialization;

namespace FastCgi.Aot.Testing.TestApp;

public sealed record Note(int Id, string Title, string[] Tags);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Note))]
public sealed partial class TestAppJsonContext : JsonSerializerContext;

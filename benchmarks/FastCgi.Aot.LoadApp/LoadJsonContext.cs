using System.Text.Json.Serialization;

namespace FastCgi.Aot.LoadApp;

/// <summary>
/// Type info for every JSON body and answer. camelCase names, as the other contenders write
/// them (Go by struct tags, PHP by array keys, Kestrel by its web defaults, C by hand).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderSummary))]
[JsonSerializable(typeof(FormAnswer))]
[JsonSerializable(typeof(UploadAnswer))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;

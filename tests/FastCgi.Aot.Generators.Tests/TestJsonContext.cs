using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>A JSON type the test applications bind and return.</summary>
public sealed record User(int Id, string Name);

/// <summary>A JSON value type, to pin nullable value-type bodies.</summary>
public record struct Point(int X, int Y);

/// <summary>
/// The context the test applications name with [assembly: FcgiJsonContext]. It is compiled here, by
/// System.Text.Json's own generator, because a generator cannot see another generator's output: the
/// test compilations reference this assembly.
/// </summary>
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Point))]
[JsonSerializable(typeof(Point?))]
[JsonSerializable(typeof(List<User>), TypeInfoPropertyName = "UserList")]
[JsonSerializable(typeof(User[]))]
public sealed partial class TestJsonContext : JsonSerializerContext
{
}

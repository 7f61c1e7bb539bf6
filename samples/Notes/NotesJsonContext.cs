using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Notes;

/// <summary>The API's JSON types, source-generated: no reflection, so NativeAOT keeps only what these need.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(List<Note>))]
[JsonSerializable(typeof(NewNote))]
[JsonSerializable(typeof(StoredFile))]
internal sealed partial class NotesJsonContext : JsonSerializerContext;

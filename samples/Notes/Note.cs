using System;

namespace Notes;

/// <summary>A note, as the API returns it.</summary>
internal sealed record Note(long Id, string Text, DateTimeOffset CreatedAt);

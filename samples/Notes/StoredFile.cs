namespace Notes;

/// <summary>An uploaded file, as stored: its CRC-32 is the whole file's (and each chunk has its own).</summary>
internal sealed record StoredFile(long Id, string Name, string ContentType, long Length, uint Crc32);

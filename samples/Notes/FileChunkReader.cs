using System;
using Microsoft.Data.Sqlite;

namespace Notes;

/// <summary>
/// The stored chunks of one file, in order, one row in memory at a time, each checked against the
/// CRC-32 it was stored with. Owns its connection.
/// </summary>
internal sealed class FileChunkReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _command;
    private readonly SqliteDataReader _reader;
    private readonly byte[] _buffer = new byte[NotesDatabase.ChunkSize];

    public FileChunkReader(SqliteConnection connection, long fileId)
    {
        _connection = connection;
        _command = connection.CreateCommand();
        _command.CommandText = "SELECT seq, crc32, data FROM file_chunks WHERE file_id = $id ORDER BY seq";
        _command.Parameters.AddWithValue("$id", fileId);
        _reader = _command.ExecuteReader();
    }

    /// <summary>The next chunk, valid until the next call; false after the last.</summary>
    /// <exception cref="InvalidOperationException">A chunk does not match its CRC-32, or is larger than a chunk can be.</exception>
    public bool TryReadNext(out ReadOnlySpan<byte> chunk)
    {
        if (!_reader.Read())
        {
            chunk = default;
            return false;
        }

        long length = _reader.GetBytes(2, 0, null, 0, 0);
        if (length > _buffer.Length)
        {
            throw new InvalidOperationException($"Chunk {_reader.GetInt64(0)} is {length} bytes, more than {_buffer.Length}.");
        }

        int read = (int)_reader.GetBytes(2, 0, _buffer, 0, (int)length);
        chunk = _buffer.AsSpan(0, read);
        if (Crc32.Compute(chunk) != (uint)_reader.GetInt64(1))
        {
            throw new InvalidOperationException($"Chunk {_reader.GetInt64(0)} does not match its CRC-32: the database is damaged.");
        }

        return true;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _command.Dispose();
        _connection.Dispose();
    }
}

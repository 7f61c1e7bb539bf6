using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Threading.Tasks;
using FastCgi.Aot.Http;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot;

/// <summary>
/// The fields and files of a request's form: an <c>application/x-www-form-urlencoded</c> body or
/// a <c>multipart/form-data</c> one. Handlers usually bind fields with <see cref="FcgiFormAttribute"/>
/// and files as <see cref="FcgiFile"/> parameters; this is the same data for code that looks
/// it up by name.
/// </summary>
/// <remarks>
/// Values are decoded (percent-decoding and <c>+</c> for urlencoded forms; multipart values are
/// taken as sent, as UTF-8). Like the request, the form is reused: do not keep it after the handler.
/// </remarks>
public sealed class FcgiForm
{
    private readonly record struct Field(int NameStart, int NameLength, int ValueStart, int ValueLength);

    // A part's header block is a few short lines; a larger one is not a browser's.
    internal const int MaxPartHeaderBytes = 8 * 1024;

    private readonly List<FcgiFile> _files = [];
    private readonly List<FcgiFile> _spooling = [];
    private Field[] _fields = new Field[8];
    private int _fieldCount;
    private GrowableBuffer _fieldBytes = new();
    private ReadOnlyMemory<byte> _urlEncoded;
    private bool _isUrlEncoded;
    private MultipartReader? _reader;
    private SpoolSettings _settings = SpoolSettings.InMemory;
    private long _memoryLeft;
    private FcgiFile? _currentFile;
    private bool _inField;

    internal FcgiForm()
    {
    }

    /// <summary>The number of fields (files not counted).</summary>
    public int Count => _isUrlEncoded ? FcgiBinding.CountFormFields(_urlEncoded.Span) : _fieldCount;

    /// <summary>The uploaded files, in the order they came.</summary>
    public IReadOnlyList<FcgiFile> Files => _files;

    /// <summary>The first value of the field <paramref name="name"/>, or null.</summary>
    public string? this[string name] => TryGetValue(name, out string? value) ? value : null;

    /// <summary>Finds the first value of the field <paramref name="name"/>, decoded.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        if (TryGetRaw(utf8, out ReadOnlySpan<byte> raw, out FcgiValueEncoding encoding))
        {
            value = FcgiBinding.GetString(raw, encoding);
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Every value of the field <paramref name="name"/>, decoded, in order (<c>tag=a&amp;tag=b</c>).</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new List<string>();
        FcgiFormValues enumerator = Enumerate(Encoding.UTF8.GetBytes(name));
        while (enumerator.MoveNext())
        {
            values.Add(FcgiBinding.GetString(enumerator.Current, enumerator.Encoding));
        }

        return values;
    }

    /// <summary>The first file uploaded under the field <paramref name="name"/>, or null.</summary>
    public FcgiFile? GetFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (FcgiFile file in _files)
        {
            if (file.Name == name)
            {
                return file;
            }
        }

        return null;
    }

    /// <summary>The first value of a field as the binder sees it: its bytes and how they are encoded.</summary>
    internal bool TryGetRaw(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> raw, out FcgiValueEncoding encoding)
    {
        FcgiFormValues values = Enumerate(name);
        bool found = values.MoveNext();
        raw = found ? values.Current : default;
        encoding = values.Encoding;
        return found;
    }

    internal FcgiFormValues Enumerate(ReadOnlySpan<byte> name) =>
        _isUrlEncoded ? new FcgiFormValues(_urlEncoded.Span, name) : new FcgiFormValues(this, name);

    internal bool TryGetFile(ReadOnlySpan<byte> name, [NotNullWhen(true)] out FcgiFile? file)
    {
        foreach (FcgiFile candidate in _files)
        {
            if (Utf8NameEquals(candidate.Name, name))
            {
                file = candidate;
                return true;
            }
        }

        file = null;
        return false;
    }

    internal List<FcgiFile> GetFiles(ReadOnlySpan<byte> name)
    {
        var files = new List<FcgiFile>();
        foreach (FcgiFile candidate in _files)
        {
            if (Utf8NameEquals(candidate.Name, name))
            {
                files.Add(candidate);
            }
        }

        return files;
    }

    /// <summary>The number of multipart fields, for <see cref="FcgiFormValues"/>.</summary>
    internal int MultipartFieldCount => _fieldCount;

    internal ReadOnlySpan<byte> MultipartName(int index) => _fieldBytes.WrittenSpan.Slice(_fields[index].NameStart, _fields[index].NameLength);

    internal ReadOnlySpan<byte> MultipartValue(int index) => _fieldBytes.WrittenSpan.Slice(_fields[index].ValueStart, _fields[index].ValueLength);

    // -----------------------------------------------------------------------------------------
    // Building, by the server
    // -----------------------------------------------------------------------------------------

    /// <summary>A urlencoded form over the body in memory; false when it has more than <paramref name="maxFields"/> fields.</summary>
    internal bool SetUrlEncoded(ReadOnlyMemory<byte> body, int maxFields)
    {
        _urlEncoded = body;
        _isUrlEncoded = true;
        return FcgiBinding.CountFormFields(body.Span) <= maxFields;
    }

    /// <summary>Starts reading a multipart body; false when its Content-Type has no valid boundary.</summary>
    internal bool BeginMultipart(ReadOnlySpan<byte> contentType, SpoolSettings settings, int maxFields)
    {
        _reader ??= new MultipartReader(maxFields, MaxPartHeaderBytes);
        if (_reader.MaxParts != maxFields)
        {
            _reader = new MultipartReader(maxFields, MaxPartHeaderBytes);
        }

        _settings = settings;
        _memoryLeft = settings.ThresholdBytes;
        return _reader.Reset(contentType) == MultipartError.None;
    }

    /// <summary>Reads a chunk of a multipart body: fields into memory, files into their buffers.</summary>
    internal FormStatus Append(ReadOnlySpan<byte> input)
    {
        MultipartReader reader = _reader!;
        FormStatus status = FormStatus.Ok;
        while (true)
        {
            MultipartEvent next = reader.Read(input, out int consumed, out ReadOnlySpan<byte> data);
            input = input.Slice(consumed);
            switch (next)
            {
                case MultipartEvent.NeedMoreData:
                    return status;
                case MultipartEvent.PartStarted:
                    StartPart(reader);
                    break;
                case MultipartEvent.PartData:
                    FormStatus appended = AppendPartData(data);
                    if (appended is not (FormStatus.Ok or FormStatus.FlushNeeded))
                    {
                        return appended;
                    }

                    if (appended == FormStatus.FlushNeeded)
                    {
                        status = FormStatus.FlushNeeded;
                    }

                    break;
                case MultipartEvent.PartEnded:
                    EndPart();
                    break;
                case MultipartEvent.BodyEnded:
                    break;
                default:
                    return reader.Error == MultipartError.TooManyParts ? FormStatus.TooManyFields : FormStatus.Malformed;
            }
        }
    }

    /// <summary>The body ended: checks that the multipart body was complete.</summary>
    internal FormStatus Complete()
    {
        if (_reader is null || _isUrlEncoded)
        {
            return FormStatus.Ok;
        }

        return _reader.Complete() == MultipartError.None ? FormStatus.Ok : FormStatus.Malformed;
    }

    /// <summary>True when a file part's bytes wait to be written to its temporary file.</summary>
    internal bool HasPendingWrites
    {
        get
        {
            foreach (FcgiFile file in _spooling)
            {
                if (file.Content.HasPendingWrite)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal async ValueTask FlushAsync()
    {
        foreach (FcgiFile file in _spooling)
        {
            await file.Content.FlushAsync().ConfigureAwait(false);
        }
    }

    internal void Flush()
    {
        foreach (FcgiFile file in _spooling)
        {
            file.Content.Flush();
        }
    }

    internal void Reset()
    {
        foreach (FcgiFile file in _files)
        {
            file.Content.Release();
        }

        _files.Clear();
        _spooling.Clear();
        _fieldBytes.Reset();
        if (_fields.Length > 256)
        {
            _fields = new Field[8];
        }

        _fieldCount = 0;
        _urlEncoded = default;
        _isUrlEncoded = false;
        _currentFile = null;
        _inField = false;
        _settings = SpoolSettings.InMemory;
    }

    internal void Release()
    {
        Reset();
        _fieldBytes.Release();
    }

    private void StartPart(MultipartReader reader)
    {
        if (reader.HasFileName)
        {
            var content = new SpooledBuffer();
            content.Begin(new SpoolSettings(_settings, Math.Max(0, _memoryLeft)));
            string contentType = reader.ContentType.IsEmpty ? "application/octet-stream" : Encoding.UTF8.GetString(reader.ContentType);
            _currentFile = new FcgiFile(Encoding.UTF8.GetString(reader.Name), BaseName(reader.FileName), contentType, content);
            _files.Add(_currentFile);
            return;
        }

        // A field: its name, then its value as it arrives, in the form's own buffer.
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        ReadOnlySpan<byte> name = reader.Name;
        int nameStart = _fieldBytes.Length;
        _fieldBytes.TryAppend(name, int.MaxValue);
        _fields[_fieldCount++] = new Field(nameStart, name.Length, _fieldBytes.Length, 0);
        _memoryLeft -= name.Length;
        _inField = true;
    }

    private FormStatus AppendPartData(ReadOnlySpan<byte> data)
    {
        if (_currentFile is { } file)
        {
            SpooledBuffer content = file.Content;
            bool wasSpooled = content.IsSpooled;
            long before = content.Length;
            SpoolStatus appended = content.Append(data);
            if (!content.IsSpooled)
            {
                _memoryLeft -= content.Length - before;
            }
            else if (!wasSpooled)
            {
                // Its bytes left memory for the file.
                _memoryLeft += before;
                _spooling.Add(file);
            }

            return appended switch
            {
                SpoolStatus.Ok => FormStatus.Ok,
                SpoolStatus.FlushNeeded => FormStatus.FlushNeeded,
                _ => FormStatus.SpoolFull,
            };
        }

        if (!_inField)
        {
            return FormStatus.Ok;
        }

        // Fields stay in memory, all of them together within the threshold.
        if (data.Length > _memoryLeft)
        {
            return FormStatus.TooLarge;
        }

        _fieldBytes.TryAppend(data, int.MaxValue);
        _memoryLeft -= data.Length;
        Field field = _fields[_fieldCount - 1];
        _fields[_fieldCount - 1] = field with { ValueLength = field.ValueLength + data.Length };
        return FormStatus.Ok;
    }

    private void EndPart()
    {
        _currentFile = null;
        _inField = false;
    }

    /// <summary>The file name without a directory: browsers on Windows once sent <c>C:\Users\me\a.txt</c>.</summary>
    private static string BaseName(ReadOnlySpan<byte> fileName)
    {
        int slash = fileName.LastIndexOfAny((byte)'/', (byte)'\\');
        return Encoding.UTF8.GetString(slash < 0 ? fileName : fileName.Slice(slash + 1));
    }

    private static bool Utf8NameEquals(string name, ReadOnlySpan<byte> utf8)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Encoding.UTF8.TryGetBytes(name, buffer, out int length)
            ? buffer.Slice(0, length).SequenceEqual(utf8)
            : Encoding.UTF8.GetBytes(name).AsSpan().SequenceEqual(utf8);
    }
}

/// <summary>How reading a form's bytes went.</summary>
internal enum FormStatus
{
    Ok,

    /// <summary>Read; a file part waits to be written to its temporary file before more is read.</summary>
    FlushNeeded,

    /// <summary>The multipart body is malformed: 400.</summary>
    Malformed,

    /// <summary>The fields are larger than the threshold together: 413.</summary>
    TooLarge,

    /// <summary>More fields or parts than <c>--max-form-fields</c>: 413.</summary>
    TooManyFields,

    /// <summary>The process's spool budget is spent: 507.</summary>
    SpoolFull,
}

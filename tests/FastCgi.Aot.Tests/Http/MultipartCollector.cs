using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using FastCgi.Aot.Http;

namespace FastCgi.Aot.Tests.Http;

/// <summary>A part as the reader reported it.</summary>
internal sealed record ReadPart(string Name, string? FileName, string ContentType, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);

    public override string ToString() => $"{Name} ({FileName ?? "-"}, {ContentType}): {Convert.ToHexString(Data)}";
}

/// <summary>
/// Drives a <see cref="MultipartReader"/> as the server will: every chunk read until NeedMoreData,
/// then <see cref="MultipartReader.Complete"/>. It asserts what must hold for any input, valid or
/// not: consumed stays within the input, NeedMoreData only once the input is used up, data is
/// never empty, and events follow PartStarted PartData* PartEnded ... BodyEnded.
/// </summary>
internal sealed class MultipartCollector
{
    private readonly ArrayBufferWriter<byte> _data = new();
    private string? _name;
    private string? _fileName;
    private string _contentType = string.Empty;
    private bool _inPart;

    public MultipartCollector(string contentType, int maxParts = 16, int maxHeaderBytes = 1024)
        : this(new MultipartReader(maxParts, maxHeaderBytes), contentType)
    {
    }

    public MultipartCollector(MultipartReader reader, string contentType)
    {
        Reader = reader;
        ResetError = reader.Reset(Encoding.ASCII.GetBytes(contentType));
    }

    public MultipartReader Reader { get; }

    public MultipartError ResetError { get; }

    public List<ReadPart> Parts { get; } = [];

    /// <summary>Every event, data merged across segments, so that two runs over differently cut input compare equal.</summary>
    public List<string> Log { get; } = [];

    public bool BodyEnded { get; private set; }

    public MultipartError Error { get; private set; }

    public int DataBytes { get; private set; }

    public MultipartError Feed(ReadOnlySpan<byte> chunk)
    {
        while (true)
        {
            MultipartEvent e = Reader.Read(chunk, out int consumed, out ReadOnlySpan<byte> data);
            if ((uint)consumed > (uint)chunk.Length)
            {
                Assert.Fail($"consumed {consumed} of {chunk.Length}");
            }

            chunk = chunk.Slice(consumed);
            switch (e)
            {
                case MultipartEvent.NeedMoreData:
                    Assert.True(chunk.IsEmpty, "NeedMoreData with input left");
                    return MultipartError.None;

                case MultipartEvent.PartStarted:
                    Assert.False(_inPart, "PartStarted inside a part");
                    Assert.False(BodyEnded, "PartStarted after BodyEnded");
                    _inPart = true;
                    _name = Encoding.UTF8.GetString(Reader.Name);
                    _fileName = Reader.HasFileName ? Encoding.UTF8.GetString(Reader.FileName) : null;
                    _contentType = Encoding.UTF8.GetString(Reader.ContentType);
                    _data.ResetWrittenCount();
                    Log.Add($"start {_name} {_fileName} {_contentType}");
                    break;

                case MultipartEvent.PartData:
                    Assert.True(_inPart, "PartData outside a part");
                    Assert.False(data.IsEmpty, "empty PartData");
                    _data.Write(data);
                    DataBytes += data.Length;
                    break;

                case MultipartEvent.PartEnded:
                    Assert.True(_inPart, "PartEnded outside a part");
                    Assert.Equal(_name, Encoding.UTF8.GetString(Reader.Name));
                    _inPart = false;
                    Parts.Add(new ReadPart(_name!, _fileName, _contentType, _data.WrittenSpan.ToArray()));
                    Log.Add("data " + Convert.ToHexString(_data.WrittenSpan));
                    Log.Add("end");
                    break;

                case MultipartEvent.BodyEnded:
                    Assert.False(_inPart, "BodyEnded inside a part");
                    Assert.False(BodyEnded, "BodyEnded twice");
                    BodyEnded = true;
                    Log.Add("body end");
                    break;

                case MultipartEvent.Error:
                    Assert.NotEqual(MultipartError.None, Reader.Error);
                    Error = Reader.Error;
                    Log.Add("error " + Error);
                    Assert.Equal(MultipartEvent.Error, Reader.Read(chunk, out _, out _));
                    return Error;

                default:
                    Assert.Fail($"unknown event {e}");
                    break;
            }
        }
    }

    /// <summary>Feeds the chunks, then completes the body; returns the outcome.</summary>
    public MultipartError FeedAll(IEnumerable<ArraySegment<byte>> chunks)
    {
        foreach (ArraySegment<byte> chunk in chunks)
        {
            if (Feed(chunk) != MultipartError.None)
            {
                return Error;
            }
        }

        MultipartError outcome = Reader.Complete();
        if (outcome != MultipartError.None && Error == MultipartError.None)
        {
            Error = outcome;
            Log.Add("error " + outcome);
        }

        Assert.Equal(outcome == MultipartError.None, BodyEnded);
        return outcome;
    }

    public static MultipartCollector Parse(string contentType, byte[] body, int maxParts = 16, int maxHeaderBytes = 1024)
    {
        var collector = new MultipartCollector(contentType, maxParts, maxHeaderBytes);
        collector.FeedAll([new ArraySegment<byte>(body)]);
        return collector;
    }
}

using System;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class BodyTests
{
    // FastCGI 1.0 §5.1: role B1 B0, flags, 5 reserved bytes.
    [Theory]
    [InlineData(FcgiRole.Responder, FcgiBeginRequestFlags.KeepConnection, "00 01 01 00 00 00 00 00")]
    [InlineData(FcgiRole.Responder, FcgiBeginRequestFlags.None, "00 01 00 00 00 00 00 00")]
    [InlineData(FcgiRole.Authorizer, FcgiBeginRequestFlags.None, "00 02 00 00 00 00 00 00")]
    [InlineData(FcgiRole.Authorizer, FcgiBeginRequestFlags.KeepConnection, "00 02 01 00 00 00 00 00")]
    [InlineData(FcgiRole.Filter, FcgiBeginRequestFlags.None, "00 03 00 00 00 00 00 00")]
    [InlineData(FcgiRole.Filter, FcgiBeginRequestFlags.KeepConnection, "00 03 01 00 00 00 00 00")]
    public void BeginRequestBodyReadsTheSpecVector(FcgiRole role, FcgiBeginRequestFlags flags, string body)
    {
        Assert.True(FcgiBeginRequestBody.TryRead(Wire.Hex(body), out FcgiBeginRequestBody read));

        Assert.Equal(new FcgiBeginRequestBody(role, flags), read);
        Assert.Equal(flags == FcgiBeginRequestFlags.KeepConnection, read.KeepConnection);
    }

    [Theory]
    [InlineData(FcgiRole.Responder, FcgiBeginRequestFlags.KeepConnection, "00 01 01 00 00 00 00 00")]
    [InlineData(FcgiRole.Responder, FcgiBeginRequestFlags.None, "00 01 00 00 00 00 00 00")]
    [InlineData(FcgiRole.Authorizer, FcgiBeginRequestFlags.None, "00 02 00 00 00 00 00 00")]
    [InlineData(FcgiRole.Filter, FcgiBeginRequestFlags.KeepConnection, "00 03 01 00 00 00 00 00")]
    public void BeginRequestBodyWritesTheSpecVectorAndClearsReservedBytes(FcgiRole role, FcgiBeginRequestFlags flags, string body)
    {
        byte[] destination = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];

        new FcgiBeginRequestBody(role, flags).Write(destination);

        Assert.Equal(Wire.Concat(Wire.Hex(body), [0xEE]), destination);
    }

    [Fact]
    public void BeginRequestBodyIgnoresReservedBytesAndUnknownFlagBits()
    {
        Assert.True(FcgiBeginRequestBody.TryRead(Wire.Hex("00 01 FE FF FF FF FF FF"), out FcgiBeginRequestBody withoutKeepConn));
        Assert.True(FcgiBeginRequestBody.TryRead(Wire.Hex("00 01 FF FF FF FF FF FF"), out FcgiBeginRequestBody withKeepConn));

        Assert.Equal(FcgiRole.Responder, withoutKeepConn.Role);
        Assert.False(withoutKeepConn.KeepConnection);
        Assert.True(withKeepConn.KeepConnection);
    }

    [Fact]
    public void BeginRequestBodyReturnsAnUnknownRoleAsItIs()
    {
        // The application must answer an unknown role with UNKNOWN_ROLE (§5.1), so the reader may not reject it.
        Assert.True(FcgiBeginRequestBody.TryRead(Wire.Hex("12 34 00 00 00 00 00 00"), out FcgiBeginRequestBody body));

        Assert.Equal((FcgiRole)0x1234, body.Role);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void FixedBodiesReturnFalseWhenTheContentIsShorterThanEightBytes(int length)
    {
        byte[] content = Wire.Hex("00 01 01 00 00 00 00 00").AsSpan(0, length).ToArray();

        Assert.False(FcgiBeginRequestBody.TryRead(content, out FcgiBeginRequestBody begin));
        Assert.False(FcgiEndRequestBody.TryRead(content, out FcgiEndRequestBody end));
        Assert.False(FcgiUnknownTypeBody.TryRead(content, out FcgiUnknownTypeBody unknown));
        Assert.Equal(default, begin);
        Assert.Equal(default, end);
        Assert.Equal(default, unknown);
    }

    [Fact]
    public void FixedBodiesThrowWhenTheDestinationIsShorterThanEightBytes()
    {
        Assert.Throws<ArgumentException>(() => new FcgiBeginRequestBody(FcgiRole.Responder, FcgiBeginRequestFlags.None).Write(new byte[7]));
        Assert.Throws<ArgumentException>(() => new FcgiEndRequestBody(0, FcgiProtocolStatus.RequestComplete).Write(new byte[7]));
        Assert.Throws<ArgumentException>(() => new FcgiUnknownTypeBody(12).Write(new byte[7]));
    }

    // FastCGI 1.0 §5.5: appStatus B3..B0, protocolStatus, 3 reserved bytes.
    [Theory]
    [InlineData(0u, FcgiProtocolStatus.RequestComplete, "00 00 00 00 00 00 00 00")]
    [InlineData(0u, FcgiProtocolStatus.CantMultiplexConnection, "00 00 00 00 01 00 00 00")]
    [InlineData(0u, FcgiProtocolStatus.Overloaded, "00 00 00 00 02 00 00 00")]
    [InlineData(0u, FcgiProtocolStatus.UnknownRole, "00 00 00 00 03 00 00 00")]
    [InlineData(1u, FcgiProtocolStatus.RequestComplete, "00 00 00 01 00 00 00 00")]
    [InlineData(0x01020304u, FcgiProtocolStatus.RequestComplete, "01 02 03 04 00 00 00 00")]
    [InlineData(0xFFFFFFFFu, FcgiProtocolStatus.RequestComplete, "FF FF FF FF 00 00 00 00")]
    public void EndRequestBodyReadsAndWritesTheSpecVector(uint appStatus, FcgiProtocolStatus protocolStatus, string body)
    {
        byte[] destination = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];
        new FcgiEndRequestBody(appStatus, protocolStatus).Write(destination);

        Assert.Equal(Wire.Hex(body), destination);
        Assert.True(FcgiEndRequestBody.TryRead(Wire.Hex(body), out FcgiEndRequestBody read));
        Assert.Equal(new FcgiEndRequestBody(appStatus, protocolStatus), read);
    }

    [Fact]
    public void EndRequestBodyIgnoresReservedBytes()
    {
        Assert.True(FcgiEndRequestBody.TryRead(Wire.Hex("00 00 00 07 02 FF FF FF"), out FcgiEndRequestBody body));

        Assert.Equal(new FcgiEndRequestBody(7, FcgiProtocolStatus.Overloaded), body);
    }

    // FastCGI 1.0 §4.2: type, 7 reserved bytes.
    [Theory]
    [InlineData(0, "00 00 00 00 00 00 00 00")]
    [InlineData(12, "0C 00 00 00 00 00 00 00")]
    [InlineData(255, "FF 00 00 00 00 00 00 00")]
    public void UnknownTypeBodyReadsAndWritesTheSpecVector(byte type, string body)
    {
        byte[] destination = [0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE];
        new FcgiUnknownTypeBody(type).Write(destination);

        Assert.Equal(Wire.Hex(body), destination);
        Assert.True(FcgiUnknownTypeBody.TryRead(Wire.Concat(Wire.Hex(body), [0xAB]), out FcgiUnknownTypeBody read));
        Assert.Equal(type, read.Type);
    }
}

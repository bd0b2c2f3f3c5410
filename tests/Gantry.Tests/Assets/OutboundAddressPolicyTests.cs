using System.Net;
using Gantry.Net;

namespace Gantry.Tests.Assets;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::")]
    public void Private_and_special_addresses_are_refused(string text)
    {
        var address = IPAddress.Parse(text);
        OutboundAddressPolicy.IsPublic(address).ShouldBeFalse();
        OutboundAddressPolicy.IsAllowed(address, allowPrivate: false).ShouldBeFalse();
        OutboundAddressPolicy.IsAllowed(address, allowPrivate: true).ShouldBeTrue();
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:1.1.1.1")]
    [InlineData("64:ff9b::808:808")]
    public void Public_addresses_are_allowed(string text) => OutboundAddressPolicy.IsPublic(IPAddress.Parse(text)).ShouldBeTrue();
}

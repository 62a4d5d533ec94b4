#pragma once
// Bytes captured from Go 1.26's net/rpc (rpc.NewClient / rpc.ServeConn over a recording
// net.Pipe) and net/rpc/jsonrpc, with
//   type RPCPayload struct{ Name, Data string }
//   func (*RPCServer) LogInfo(p RPCPayload, resp *string) error
// answering "Processed payload via RPC:" + Name, or errors.New("boom: " + Data) for Name "fail".
// Each constant is one direction of one call, as written to the socket.
#include <string>
#include <string_view>

namespace go_vectors {

// clang-format off

inline std::string unhex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

// --- gob, client to server (rpc.Client, a fresh connection) ------------------------------------
// Call seq 0 RPCServer.LogInfo {test, hello}: Request's type (id 64), the header, RPCPayload's
// type (65), the argument.
inline const std::string kGobCall0 = unhex(
    "2e7f030101075265717565737401ff80000102010d536572766963654d6574686f64010c000103536571010600000016"
    "ff8001115250435365727665722e4c6f67496e666f002aff810301010a5250435061796c6f616401ff8200010201044e"
    "616d65010c00010444617461010c00000010ff82010474657374010568656c6c6f00");
// Seq 1 {x, ""} on the same connection: no type definitions any more; Data is zero, so omitted.
inline const std::string kGobCall1 =
    unhex("18ff8001115250435365727665722e4c6f67496e666f01010006ff8201017800");
// Seq 2 {fail, d}
inline const std::string kGobCall2 =
    unhex("18ff8001115250435365727665722e4c6f67496e666f0102000cff8201046661696c01016400");
// Seq 3 RPCServer.Nope {a, b}
inline const std::string kGobCall3 =
    unhex("15ff80010e5250435365727665722e4e6f706501030009ff8201016101016200");

// --- gob, server to client: rpc.ServeConn in a process of its own ------------------------------
// Fed kGobCall0 + kGobCall2 it answered seq 2 first (completion order): Response's type (64),
// header {LogInfo, 2, "boom: d"}, invalidRequest's type (65, an anonymous struct{}), its empty
// value; then seq 0: header (Seq 0 omitted) and the string result as a singleton.
inline const std::string kGobServeConnReplies = unhex(
    "397f03010108526573706f6e736501ff80000103010d536572766963654d6574686f64010c0001035365710106000105"
    "4572726f72010c00000021ff8001115250435365727665722e4c6f67496e666f01020107626f6f6d3a2064000aff8103"
    "0102ff8200000003ff820016ff8001115250435365727665722e4c6f67496e666f00210c001e50726f63657373656420"
    "7061796c6f616420766961205250433a74657374");

// --- gob, server to client: client and server in one process --------------------------------
// Go numbers types per process, so here Response is 66 and invalidRequest 67.
inline const std::string kGobReply0 = unhex(
    "3aff8303010108526573706f6e736501ff84000103010d536572766963654d6574686f64010c00010353657101060001"
    "054572726f72010c00000016ff8401115250435365727665722e4c6f67496e666f00210c001e50726f63657373656420"
    "7061796c6f616420766961205250433a74657374");
inline const std::string kGobReply1 = unhex(
    "18ff8401115250435365727665722e4c6f67496e666f0101001e0c001b50726f636573736564207061796c6f61642076"
    "6961205250433a78");
inline const std::string kGobReply2Error = unhex(
    "21ff8401115250435365727665722e4c6f67496e666f01020107626f6f6d3a2064000aff85030102ff8600000003ff86"
    "00");
inline const std::string kGobReply3NoMethod = unhex(
    "3cff84010e5250435365727665722e4e6f7065010301257270633a2063616e27742066696e64206d6574686f64205250"
    "435365727665722e4e6f70650003ff8600");

// --- gob: peers whose argument struct differs from ours ------------------------------------
// A fresh connection calling with
//   type BigPayload struct { Level int; Name string; Tags []string; Nested Inner; Data string;
//     M map[string]int; F float64; Raw []byte; On bool; Arr [2]uint }
//   type Inner struct { A int; B []string }
// = {-3, "big", {"a","bc"}, {300, {"x"}}, "d1", {"k":1}, 1.5, {1,2}, true, {7,0}}.
// BigPayload (68) is defined before the types of its fields (69..72).
inline const std::string kGobBigPayloadCall = unhex(
    "2e7f030101075265717565737401ff80000102010d536572766963654d6574686f64010c000103536571010600000016"
    "ff8001115250435365727665722e4c6f67496e666f006fff870301010a4269675061796c6f616401ff8800010a01054c"
    "6576656c01040001044e616d65010c0001045461677301ff8a0001064e657374656401ff8c00010444617461010c0001"
    "014d01ff8e000101460108000103526177010a0001024f6e010200010341727201ff9000000016ff89020101085b5d73"
    "7472696e6701ff8a00010c000020ff8b03010105496e6e657201ff8c00010201014101040001014201ff8a0000001eff"
    "8d0401010e6d61705b737472696e675d696e7401ff8e00010c0104000017ff8f010101075b325d75696e7401ff900001"
    "060104000032ff8801050103626967010201610262630101fe02580101017800010264310101016b0201fef83f010201"
    "0201010102070000");
// Next call on that connection, seq 1, with type SmallPayload struct{ Name string } = {"small"}.
inline const std::string kGobSmallPayloadCall = unhex(
    "18ff8001115250435365727665722e4c6f67496e666f01010023ff910301010c536d616c6c5061796c6f616401ff9200"
    "010101044e616d65010c0000000aff920105736d616c6c00");
// Next call, seq 2, with an int argument (5): Go answers "gob: type mismatch in decoder: want
// struct type main.RPCPayload; got non-struct" and keeps the connection.
inline const std::string kGobIntArgCall =
    unhex("18ff8001115250435365727665722e4c6f67496e666f0102000304000a");

// A fresh connection calling with
//   type IfacePayload struct { Any any; Name string; None any; Data string }
// = {Point{1, 2} (gob.Register'ed as "main.Point"), "iface", nil, "d"}. Go sends Point's type
// from inside the value: the argument's first message ends after that definition and the value
// goes on in the next message.
inline const std::string kGobInterfaceCall = unhex(
    "2e7f030101075265717565737401ff80000102010d536572766963654d6574686f64010c000103536571010600000016"
    "ff8001115250435365727665722e4c6f67496e666f003dff930301010c49666163655061796c6f616401ff9400010401"
    "03416e7901100001044e616d65010c0001044e6f6e65011000010444617461010c0000002dff94010a6d61696e2e506f"
    "696e74ff9503010105506f696e7401ff96000102010158010400010159010400000013ff960501020104000105696661"
    "636502016400");

// --- JSON-RPC (jsonrpc.NewClient / jsonrpc.NewServerCodec): one object and a newline each --
inline const std::string kJsonCall0 = R"({"method":"RPCServer.LogInfo","params":[{"Name":"test","Data":"hello"}],"id":0})" "\n";
inline const std::string kJsonReply0 = R"({"id":0,"result":"Processed payload via RPC:test","error":null})" "\n";
inline const std::string kJsonCall2 = R"({"method":"RPCServer.LogInfo","params":[{"Name":"fail","Data":"d"}],"id":2})" "\n";
inline const std::string kJsonReply2Error = R"({"id":2,"result":null,"error":"boom: d"})" "\n";
inline const std::string kJsonReply3NoMethod = R"({"id":3,"result":null,"error":"rpc: can't find method RPCServer.Nope"})" "\n";

// clang-format on

}  // namespace go_vectors

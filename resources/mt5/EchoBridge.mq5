//+------------------------------------------------------------------+
//|                                                  EchoBridge.mq5  |
//|  Connects this MetaTrader 5 terminal to Echo Workstation.        |
//|                                                                  |
//|  Plain MQL5, no DLL. The EA is a TCP client of the app's bridge  |
//|  on 127.0.0.1 (MQL5 cannot listen). Protocol: PROTOCOL.md beside |
//|  this file: newline-delimited JSON, token handshake, heartbeats, |
//|  a full snapshot on every (re)connect, then sequenced updates,   |
//|  and commands de-duplicated by our client order id (the order    |
//|  comment).                                                       |
//|                                                                  |
//|  Setup: Tools > Options > Expert Advisors > "Allow WebRequest    |
//|  for listed URL": add 127.0.0.1. Then attach to any one chart,   |
//|  with Algo Trading on.                                           |
//+------------------------------------------------------------------+
#property copyright "Echo Workstation"
#property link      "https://127.0.0.1"
#property version   "1.00"
#property description "Bridge between this terminal and Echo Workstation (TCP client of 127.0.0.1, see PROTOCOL.md)."

#include <Trade\Trade.mqh>

//--- inputs
input string InpHost            = "127.0.0.1"; // App bridge address (loopback only)
input int    InpPort            = 0;           // App bridge port (0: from Common\Files\EchoBridge\bridge.txt, else 5555)
input string InpToken           = "";          // Bridge token (empty: from Common\Files\EchoBridge\bridge.txt)
input int    InpDeviationPoints = 20;          // Default slippage for market orders, in points
input int    InpHistoryDays     = 90;          // How far back de-duplication and find_order look

//--- protocol constants
#define EB_PROTOCOL         1
#define EB_VERSION          "1.0.0"
#define EB_DEFAULT_PORT     5555
#define EB_TIMER_MS         100
#define EB_MAX_LINE         65536
#define EB_WELCOME_TIMEOUT  10000
#define EB_BACKOFF_MIN      1000
#define EB_BACKOFF_MAX      30000
#define EB_DENIED_WAIT      60000
#define EB_BYE_WAIT         30000
#define EB_MAX_BARS         5000
#define EB_DONE_MEMORY      512
#define EB_DEAL_RETRIES     50

enum EbLinkState
  {
   EB_IDLE,          // no socket
   EB_WAIT_WELCOME,  // connected, hello sent
   EB_OPEN           // welcomed: snapshot sent, updates flowing
  };

//--- link
int         g_sock          = INVALID_HANDLE;
EbLinkState g_state         = EB_IDLE;
uchar       g_rx[];
int         g_rxLen         = 0;
ulong       g_lastRecv      = 0;
ulong       g_lastBeat      = 0;
ulong       g_connectedAt   = 0;
ulong       g_nextAttempt   = 0;
int         g_backoff       = EB_BACKOFF_MIN;
int         g_heartbeatMs   = 2000;
int         g_staleMs       = 6000;
long        g_seq           = 0;
string      g_host          = "127.0.0.1";
int         g_port          = EB_DEFAULT_PORT;
string      g_token         = "";
bool        g_hintShown     = false;
bool        g_deniedShown   = false;
long        g_offset        = 0;        // trade server time - UTC, seconds, rounded to 15 minutes
bool        g_termConnected = false;
bool        g_tradeAllowed  = false;
ulong       g_lastAccount   = 0;
string      g_accountSig    = "";

//--- subscriptions (replaced by every subscribe command)
string          g_subSymbols[];
ENUM_TIMEFRAMES g_subTfs[];
datetime        g_lastBarOpen[];   // per symbol x timeframe: open time of the bar that was forming
long            g_lastTickMsc[];   // per symbol
bool            g_ticks = false;

//--- trade events not yet sent (the deal may not be in the history yet)
ulong g_pendingDeals[];
int   g_pendingTries[];

//--- memory of commands already executed (client order id -> result JSON) and of refused ones
string g_doneIds[];
string g_doneJson[];
string g_rejectedIds[];

CTrade g_trade;

//+------------------------------------------------------------------+
//| Life cycle                                                       |
//+------------------------------------------------------------------+
int OnInit()
  {
   if(MQLInfoInteger(MQL_TESTER))
     {
      Print("EchoBridge: sockets are not available in the Strategy Tester; attach it to a live chart.");
      return(INIT_FAILED);
     }
   g_host = InpHost;
   ResolveAddress();
   g_trade.SetDeviationInPoints((ulong)MaxL(0, InpDeviationPoints));
   g_trade.SetAsyncMode(false);
   ComputeOffset();
   g_termConnected = (TerminalInfoInteger(TERMINAL_CONNECTED) != 0);
   g_tradeAllowed  = TradeAllowed();
   g_nextAttempt   = 0;
   if(!EventSetMillisecondTimer(EB_TIMER_MS))
     {
      Print("EchoBridge: could not start its timer (error ", GetLastError(), ")");
      return(INIT_FAILED);
     }
   Print("EchoBridge ", EB_VERSION, ": connecting to ", g_host, ":", g_port, " (protocol ", EB_PROTOCOL, ")");
   return(INIT_SUCCEEDED);
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   if(g_state == EB_OPEN)
      SendBye(DeinitReasonText(reason));
   CloseSocket();
  }

void OnTimer()
  {
   ulong now = GetTickCount64();
   ComputeOffset();
   if(g_sock == INVALID_HANDLE)
     {
      if(now >= g_nextAttempt)
         TryConnect();
      return;
     }
   if(!SocketIsConnected(g_sock))
     {
      Drop("the app closed the connection", g_backoff);
      return;
     }
   ReadSocket();
   if(g_sock == INVALID_HANDLE)
      return;
   now = GetTickCount64();
   if(g_state == EB_WAIT_WELCOME)
     {
      if(now - g_connectedAt > EB_WELCOME_TIMEOUT)
         Drop("no welcome from the app", g_backoff);
      return;
     }
   if(g_state != EB_OPEN)
      return;
   if(now - g_lastRecv > (ulong)g_staleMs)
     {
      Drop("no heartbeat from the app for " + IntegerToString((long)(now - g_lastRecv)) + " ms", EB_BACKOFF_MIN);
      return;
     }
   bool connected = (TerminalInfoInteger(TERMINAL_CONNECTED) != 0);
   bool allowed   = TradeAllowed();
   if(connected != g_termConnected || allowed != g_tradeAllowed || now - g_lastBeat >= (ulong)g_heartbeatMs)
     {
      g_termConnected = connected;
      g_tradeAllowed  = allowed;
      SendHeartbeat();
     }
   ProcessPendingDeals();
   PollBars();
   PollTicks();
   if(now - g_lastAccount >= 1000)
     {
      g_lastAccount = now;
      PollAccount();
     }
  }

void OnTick()
  {
   if(g_state != EB_OPEN)
      return;
   PollTicks();
   PollBars();
  }

void OnTradeTransaction(const MqlTradeTransaction &trans, const MqlTradeRequest &request, const MqlTradeResult &result)
  {
   if(g_state != EB_OPEN)
      return;
   if(trans.type == TRADE_TRANSACTION_DEAL_ADD && trans.deal > 0)
     {
      int n = ArraySize(g_pendingDeals);
      ArrayResize(g_pendingDeals, n + 1);
      ArrayResize(g_pendingTries, n + 1);
      g_pendingDeals[n] = trans.deal;
      g_pendingTries[n] = 0;
      ProcessPendingDeals();
     }
   else
      if(trans.type == TRADE_TRANSACTION_POSITION && trans.position > 0)
        {
         // Stop loss / take profit changed (by us, by hand, or by the server).
         if(SelectPositionById((long)trans.position))
            SendPositionEvent(false);
        }
  }

//+------------------------------------------------------------------+
//| Connection                                                       |
//+------------------------------------------------------------------+
void ResolveAddress()
  {
   int    filePort  = 0;
   string fileToken = "";
   bool   haveFile  = ReadBridgeFile(filePort, fileToken);
   g_port  = (InpPort > 0) ? InpPort : ((haveFile && filePort > 0) ? filePort : EB_DEFAULT_PORT);
   g_token = (StringLen(InpToken) > 0) ? InpToken : fileToken;
  }

// Common\Files\EchoBridge\bridge.txt, written by the app on Windows: "port=5555" and "token=..." lines.
bool ReadBridgeFile(int &port, string &token)
  {
   int h = FileOpen("EchoBridge\\bridge.txt", FILE_READ | FILE_TXT | FILE_ANSI | FILE_COMMON | FILE_SHARE_READ);
   if(h == INVALID_HANDLE)
      return(false);
   while(!FileIsEnding(h))
     {
      string line = FileReadString(h);
      StringTrimLeft(line);
      StringTrimRight(line);
      if(StringFind(line, "port=") == 0)
         port = (int)StringToInteger(StringSubstr(line, 5));
      else
         if(StringFind(line, "token=") == 0)
            token = StringSubstr(line, 6);
     }
   FileClose(h);
   return(true);
  }

void TryConnect()
  {
   ResolveAddress();
   if(StringLen(g_token) == 0)
     {
      if(!g_hintShown)
         Print("EchoBridge: no token. Set InpToken to the contents of mt5-bridge-token in the app's data folder (GET /api/mt5/status shows it).");
      g_hintShown = true;
      g_nextAttempt = GetTickCount64() + EB_BACKOFF_MAX;
      return;
     }
   ResetLastError();
   g_sock = SocketCreate();
   if(g_sock == INVALID_HANDLE)
     {
      ScheduleRetry("SocketCreate failed", GetLastError());
      return;
     }
   if(!SocketConnect(g_sock, g_host, (uint)g_port, 3000))
     {
      int err = GetLastError();
      SocketClose(g_sock);
      g_sock = INVALID_HANDLE;
      ScheduleRetry("cannot connect to " + g_host + ":" + IntegerToString(g_port), err);
      return;
     }
   g_state       = EB_WAIT_WELCOME;
   g_rxLen       = 0;
   g_seq         = 0;
   g_connectedAt = GetTickCount64();
   g_lastRecv    = g_connectedAt;
   SendHello();
  }

void ScheduleRetry(const string what, const int err)
  {
   // 4014: the address is not in Tools > Options > Expert Advisors > "Allow WebRequest for listed URL".
   if(err == 4014 && !g_hintShown)
     {
      Print("EchoBridge: ", what, ". Add ", g_host, " under Tools > Options > Expert Advisors > Allow WebRequest for listed URL.");
      g_hintShown = true;
     }
   else
      if(g_backoff == EB_BACKOFF_MIN)
         Print("EchoBridge: ", what, " (error ", err, "); is Echo Workstation running and connected to MT5? Retrying.");
   g_nextAttempt = GetTickCount64() + (ulong)g_backoff;
   g_backoff = (int)MinL(g_backoff * 2, EB_BACKOFF_MAX);
  }

void CloseSocket()
  {
   if(g_sock != INVALID_HANDLE)
      SocketClose(g_sock);
   g_sock  = INVALID_HANDLE;
   g_state = EB_IDLE;
   g_rxLen = 0;
   ArrayResize(g_pendingDeals, 0);
   ArrayResize(g_pendingTries, 0);
   ArrayResize(g_subSymbols, 0);
   ArrayResize(g_subTfs, 0);
   ArrayResize(g_lastBarOpen, 0);
   ArrayResize(g_lastTickMsc, 0);
   g_ticks = false;
  }

// Ends the link; the next attempt comes after waitMs, then with the usual back-off.
void Drop(const string reason, const int waitMs)
  {
   bool wasOpen = (g_state == EB_OPEN);
   CloseSocket();
   if(wasOpen)
      Print("EchoBridge: link closed: ", reason);
   long wait = MaxL(waitMs, EB_BACKOFF_MIN);
   g_nextAttempt = GetTickCount64() + (ulong)wait;
   g_backoff = (int)MinL(wait * 2, EB_BACKOFF_MAX);
  }

bool SendLine(const string json)
  {
   if(g_sock == INVALID_HANDLE)
      return(false);
   uchar data[];
   int n = StringToCharArray(json + "\n", data, 0, WHOLE_ARRAY, CP_UTF8) - 1; // without the terminating zero
   int sent = 0;
   while(sent < n)
     {
      uchar part[];
      ArrayCopy(part, data, 0, sent, n - sent);
      int r = SocketSend(g_sock, part, (uint)(n - sent));
      if(r <= 0)
        {
         Drop("send failed (error " + IntegerToString(GetLastError()) + ")", EB_BACKOFF_MIN);
         return(false);
        }
      sent += r;
     }
   return(true);
  }

void ReadSocket()
  {
   uint avail = SocketIsReadable(g_sock);
   while(avail > 0 && g_sock != INVALID_HANDLE)
     {
      uchar buf[];
      uint want = (avail > (uint)EB_MAX_LINE) ? (uint)EB_MAX_LINE : avail;
      int n = SocketRead(g_sock, buf, want, 50);
      if(n <= 0)
        {
         Drop("read failed (error " + IntegerToString(GetLastError()) + ")", g_backoff);
         return;
        }
      g_lastRecv = GetTickCount64();
      if(ArraySize(g_rx) < g_rxLen + n)
         ArrayResize(g_rx, g_rxLen + n, EB_MAX_LINE);
      ArrayCopy(g_rx, buf, g_rxLen, 0, n);
      g_rxLen += n;
      int start = 0;
      for(int i = 0; i < g_rxLen && g_sock != INVALID_HANDLE; i++)
        {
         if(g_rx[i] != 10)
            continue;
         int len = i - start;
         if(len > 0 && g_rx[i - 1] == 13)
            len--;
         if(len > 0)
           {
            string line = CharArrayToString(g_rx, start, len, CP_UTF8);
            HandleLine(line);
           }
         start = i + 1;
        }
      if(g_sock == INVALID_HANDLE)
         return;
      if(start > 0)
        {
         int rest = g_rxLen - start;
         if(rest > 0)
           {
            uchar tail[];
            ArrayCopy(tail, g_rx, 0, start, rest);
            ArrayCopy(g_rx, tail, 0, 0, rest);
           }
         g_rxLen = rest;
        }
      if(g_rxLen > EB_MAX_LINE)
        {
         SendProtocolError("line longer than " + IntegerToString(EB_MAX_LINE) + " bytes");
         Drop("line too long", g_backoff);
         return;
        }
      avail = SocketIsReadable(g_sock);
     }
  }

//+------------------------------------------------------------------+
//| Incoming messages                                                |
//+------------------------------------------------------------------+
void HandleLine(const string line)
  {
   string type = JsonStr(line, "type", "");
   string id   = JsonStr(line, "id", "");
   if(g_state == EB_WAIT_WELCOME)
     {
      if(type == "welcome")
         OnWelcome(line);
      else
         if(type == "denied")
            OnDenied(line);
      return;
     }
   if(type == "heartbeat")       { OnHeartbeat(line); return; }
   if(type == "bye")             { OnBye(line); return; }
   if(type == "subscribe")       { CmdSubscribe(line, id); return; }
   if(type == "history")         { CmdHistory(line, id); return; }
   if(type == "place")           { CmdPlace(line, id); return; }
   if(type == "modify")          { CmdModify(line, id); return; }
   if(type == "close")           { CmdClose(line, id); return; }
   if(type == "find_order")      { CmdFindOrder(line, id); return; }
   if(type == "position_deals")  { CmdPositionDeals(line, id); return; }
   if(type == "resync")          { CmdResync(line, id); return; }
   if(StringLen(id) > 0)
      ReplyError(id, "UNKNOWN_COMMAND", "unknown command \"" + type + "\"", 0);
   else
      SendProtocolError("unknown message type \"" + type + "\"");
  }

void OnWelcome(const string line)
  {
   g_heartbeatMs = (int)MaxL(50, JsonLong(line, "heartbeat_ms", 2000));
   g_staleMs     = (int)MaxL(g_heartbeatMs * 2, JsonLong(line, "stale_after_ms", g_heartbeatMs * 3));
   g_state       = EB_OPEN;
   g_backoff     = EB_BACKOFF_MIN;
   g_hintShown   = false;
   g_deniedShown = false;
   Print("EchoBridge: connected to Echo Workstation ", JsonStr(line, "app_version", "?"), " at ", g_host, ":", g_port);
   SendSnapshot("connect");
   SendHeartbeat();
  }

void OnDenied(const string line)
  {
   string reason = JsonStr(line, "reason", "refused");
   if(!g_deniedShown)
      Alert("EchoBridge: Echo Workstation refused the connection: ", reason);
   g_deniedShown = true;
   Drop("denied: " + reason, EB_DENIED_WAIT);
  }

void OnHeartbeat(const string line)
  {
   // Any line is a sign of life (g_lastRecv); nothing else to do.
  }

void OnBye(const string line)
  {
   Drop("the app closed the link: " + JsonStr(line, "reason", ""), EB_BYE_WAIT);
  }

//+------------------------------------------------------------------+
//| Outgoing messages                                                |
//+------------------------------------------------------------------+
string MsgBegin(const string type)
  {
   return("{\"type\":\"" + type + "\"");
  }

string SeqField()
  {
   g_seq++;
   return(",\"seq\":" + IntegerToString(g_seq));
  }

void SendHello()
  {
   string j = MsgBegin("hello");
   j += ",\"protocol\":" + IntegerToString(EB_PROTOCOL);
   j += ",\"token\":" + JStr(g_token);
   j += ",\"ea_version\":" + JStr(EB_VERSION);
   j += ",\"server_utc_offset_s\":" + IntegerToString(g_offset);
   j += ",\"terminal\":{\"name\":" + JStr(TerminalInfoString(TERMINAL_NAME));
   j += ",\"company\":" + JStr(TerminalInfoString(TERMINAL_COMPANY));
   j += ",\"build\":" + IntegerToString(TerminalInfoInteger(TERMINAL_BUILD));
   j += ",\"path\":" + JStr(TerminalInfoString(TERMINAL_PATH));
   j += ",\"data_path\":" + JStr(TerminalInfoString(TERMINAL_DATA_PATH));
   j += ",\"connected\":" + JBool(TerminalInfoInteger(TERMINAL_CONNECTED) != 0);
   j += ",\"trade_allowed\":" + JBool(TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) != 0);
   j += ",\"ea_trade_allowed\":" + JBool(MQLInfoInteger(MQL_TRADE_ALLOWED) != 0) + "}";
   if(AccountInfoInteger(ACCOUNT_LOGIN) > 0)
     {
      j += ",\"account\":{\"login\":" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN));
      j += ",\"server\":" + JStr(AccountInfoString(ACCOUNT_SERVER));
      j += ",\"name\":" + JStr(AccountInfoString(ACCOUNT_NAME));
      j += ",\"company\":" + JStr(AccountInfoString(ACCOUNT_COMPANY));
      j += ",\"currency\":" + JStr(AccountInfoString(ACCOUNT_CURRENCY));
      j += ",\"trade_mode\":" + JStr(TradeModeName()) + "}";
     }
   else
      j += ",\"account\":null";
   j += "}";
   SendLine(j);
  }

void SendHeartbeat()
  {
   g_lastBeat = GetTickCount64();
   string j = MsgBegin("heartbeat");
   j += ",\"time\":" + IntegerToString(NowMs());
   j += ",\"terminal_connected\":" + JBool(TerminalInfoInteger(TERMINAL_CONNECTED) != 0);
   j += ",\"trade_allowed\":" + JBool(TradeAllowed());
   j += ",\"ping_ms\":" + IntegerToString(TerminalInfoInteger(TERMINAL_PING_LAST) / 1000);
   j += ",\"server_utc_offset_s\":" + IntegerToString(g_offset);
   j += "}";
   SendLine(j);
  }

void SendSnapshot(const string reason)
  {
   string j = MsgBegin("snapshot") + SeqField();
   j += ",\"time\":" + IntegerToString(NowMs());
   j += ",\"reason\":" + JStr(reason);
   j += ",\"account\":" + AccountJson();
   j += ",\"symbols\":[";
   int total = SymbolsTotal(true);
   for(int i = 0; i < total; i++)
     {
      if(i > 0)
         j += ",";
      j += SymbolJson(SymbolName(i, true));
     }
   j += "],\"positions\":[";
   int count = 0;
   for(int i = 0; i < PositionsTotal(); i++)
     {
      if(PositionGetTicket(i) == 0)
         continue;
      if(count++ > 0)
         j += ",";
      j += PositionJson();
     }
   j += "],\"orders\":[";
   count = 0;
   for(int i = 0; i < OrdersTotal(); i++)
     {
      ulong ticket = OrderGetTicket(i);
      if(ticket == 0)
         continue;
      if(count++ > 0)
         j += ",";
      j += OrderJson(ticket);
     }
   j += "]}";
   g_accountSig = AccountSignature();
   SendLine(j);
  }

void SendTick(const string symbol, const MqlTick &tick)
  {
   string j = MsgBegin("tick") + SeqField();
   j += ",\"symbol\":" + JStr(symbol);
   j += ",\"time\":" + IntegerToString(tick.time_msc - g_offset * 1000);
   j += ",\"bid\":" + JNum(tick.bid);
   j += ",\"ask\":" + JNum(tick.ask);
   j += "}";
   SendLine(j);
  }

void SendBar(const string symbol, const ENUM_TIMEFRAMES tf, const MqlRates &rate)
  {
   string j = MsgBegin("bar") + SeqField();
   j += ",\"symbol\":" + JStr(symbol);
   j += ",\"timeframe\":" + JStr(TfName(tf));
   j += ",\"time\":" + IntegerToString(ServerToUtcMs(rate.time));
   j += ",\"open\":" + JNum(rate.open);
   j += ",\"high\":" + JNum(rate.high);
   j += ",\"low\":" + JNum(rate.low);
   j += ",\"close\":" + JNum(rate.close);
   j += ",\"volume\":" + IntegerToString(rate.tick_volume);
   j += "}";
   SendLine(j);
  }

void SendAccountUpdate()
  {
   string j = MsgBegin("account") + SeqField();
   j += ",\"account\":" + AccountJson() + "}";
   SendLine(j);
  }

// The deal must be selectable (HistoryDealSelect or a history selection).
void SendDealAdded(const ulong deal)
  {
   string j = MsgBegin("deal_added") + SeqField();
   j += ",\"deal\":" + DealJson(deal) + "}";
   SendLine(j);
  }

// The position must be selected. opened: "position_opened", else "position_modified".
void SendPositionEvent(const bool opened)
  {
   string type = opened ? "position_opened" : "position_modified";
   string j = MsgBegin(type) + SeqField();
   j += ",\"position\":" + PositionJson() + "}";
   SendLine(j);
  }

void SendPositionClosed(const long positionId, const ulong deal)
  {
   string j = MsgBegin("position_closed") + SeqField();
   j += ",\"ticket\":" + JTicket(positionId);
   j += ",\"deal\":" + ((deal > 0 && HistoryDealSelect(deal)) ? DealJson(deal) : "null");
   j += "}";
   SendLine(j);
  }

void SendReply(const string id, const bool ok, const string payload)
  {
   string j = MsgBegin("reply");
   j += ",\"id\":" + JStr(id);
   j += ",\"ok\":" + JBool(ok);
   j += ok ? (",\"result\":" + payload) : (",\"error\":" + payload);
   j += "}";
   SendLine(j);
  }

void ReplyOk(const string id, const string result)
  {
   SendReply(id, true, result);
  }

void ReplyError(const string id, const string code, const string message, const long retcode)
  {
   string e = "{\"code\":" + JStr(code) + ",\"message\":" + JStr(message);
   if(retcode != 0)
      e += ",\"retcode\":" + IntegerToString(retcode);
   e += "}";
   SendReply(id, false, e);
  }

void SendProtocolError(const string message)
  {
   SendLine(MsgBegin("error") + ",\"message\":" + JStr(message) + "}");
  }

void SendBye(const string reason)
  {
   SendLine(MsgBegin("bye") + ",\"reason\":" + JStr(reason) + "}");
  }

//+------------------------------------------------------------------+
//| Polling: trade events, bars, ticks, account                      |
//+------------------------------------------------------------------+
void ProcessPendingDeals()
  {
   int n = ArraySize(g_pendingDeals);
   if(n == 0)
      return;
   // Work on a copy: sending can drop the link, which empties the pending list.
   ulong deals[];
   int   tries[];
   ArrayCopy(deals, g_pendingDeals);
   ArrayCopy(tries, g_pendingTries);
   ArrayResize(g_pendingDeals, 0);
   ArrayResize(g_pendingTries, 0);
   for(int i = 0; i < n; i++)
     {
      if(g_sock == INVALID_HANDLE)
         return;
      ulong deal = deals[i];
      if(!HistoryDealSelect(deal))
        {
         if(tries[i] + 1 < EB_DEAL_RETRIES)
           {
            int k = ArraySize(g_pendingDeals);
            ArrayResize(g_pendingDeals, k + 1);
            ArrayResize(g_pendingTries, k + 1);
            g_pendingDeals[k] = deal;
            g_pendingTries[k] = tries[i] + 1;
           }
         continue;
        }
      long type = HistoryDealGetInteger(deal, DEAL_TYPE);
      if(type != DEAL_TYPE_BUY && type != DEAL_TYPE_SELL)
         continue; // balance, credit, commission... not a trade
      long   positionId = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
      long   entry      = HistoryDealGetInteger(deal, DEAL_ENTRY);
      double volume     = HistoryDealGetDouble(deal, DEAL_VOLUME);
      SendDealAdded(deal);
      if(g_sock == INVALID_HANDLE)
         return;
      if(SelectPositionById(positionId))
        {
         bool opened = (entry == DEAL_ENTRY_IN && MathAbs(PositionGetDouble(POSITION_VOLUME) - volume) < 1e-8);
         SendPositionEvent(opened);
        }
      else
         SendPositionClosed(positionId, deal);
     }
  }

void PollBars()
  {
   int ns = ArraySize(g_subSymbols);
   int nt = ArraySize(g_subTfs);
   for(int s = 0; s < ns; s++)
      for(int t = 0; t < nt; t++)
        {
         if(g_sock == INVALID_HANDLE)
            return;
         int      k       = s * nt + t;
         string   symbol  = g_subSymbols[s];
         datetime forming = iTime(symbol, g_subTfs[t], 0);
         if(forming == 0)
            continue; // not loaded yet
         if(g_lastBarOpen[k] == 0)
           {
            g_lastBarOpen[k] = forming;
            continue;
           }
         if(forming <= g_lastBarOpen[k])
            continue;
         // One or more bars closed since: send those that opened from the last forming bar up to the new one.
         ENUM_TIMEFRAMES tf    = g_subTfs[t];
         datetime        since = g_lastBarOpen[k];
         MqlRates rates[];
         int n = CopyRates(symbol, tf, since, forming - 1, rates);
         if(n < 0)
            continue; // history still loading: try again on the next timer tick
         g_lastBarOpen[k] = forming;
         for(int i = 0; i < n; i++)
           {
            if(rates[i].time >= since && rates[i].time < forming)
               SendBar(symbol, tf, rates[i]);
            if(g_sock == INVALID_HANDLE)
               return;
           }
        }
  }

void PollTicks()
  {
   if(!g_ticks)
      return;
   int ns = ArraySize(g_subSymbols);
   for(int s = 0; s < ns && g_sock != INVALID_HANDLE; s++)
     {
      MqlTick tick;
      if(!SymbolInfoTick(g_subSymbols[s], tick))
         continue;
      if(tick.time_msc == g_lastTickMsc[s])
         continue;
      g_lastTickMsc[s] = tick.time_msc;
      SendTick(g_subSymbols[s], tick);
     }
  }

void PollAccount()
  {
   string sig = AccountSignature();
   if(sig == g_accountSig)
      return;
   g_accountSig = sig;
   SendAccountUpdate();
  }

string AccountSignature()
  {
   return(DoubleToString(AccountInfoDouble(ACCOUNT_BALANCE), 2) + "|" + DoubleToString(AccountInfoDouble(ACCOUNT_EQUITY), 2) + "|" +
          DoubleToString(AccountInfoDouble(ACCOUNT_MARGIN), 2) + "|" + DoubleToString(AccountInfoDouble(ACCOUNT_PROFIT), 2));
  }

//+------------------------------------------------------------------+
//| Commands                                                         |
//+------------------------------------------------------------------+
void CmdSubscribe(const string line, const string id)
  {
   string symbols[];
   string frames[];
   JsonStrArray(line, "symbols", symbols);
   JsonStrArray(line, "timeframes", frames);
   g_ticks = JsonBool(line, "ticks", false);
   ArrayResize(g_subSymbols, 0);
   ArrayResize(g_subTfs, 0);
   string accepted = "";
   string unknown  = "";
   for(int i = 0; i < ArraySize(symbols); i++)
     {
      string name = ResolveSymbol(symbols[i]);
      if(StringLen(name) > 0 && SymbolSelect(name, true))
        {
         int n = ArraySize(g_subSymbols);
         ArrayResize(g_subSymbols, n + 1);
         g_subSymbols[n] = name;
         accepted += (StringLen(accepted) > 0 ? "," : "") + JStr(name);
        }
      else
         unknown += (StringLen(unknown) > 0 ? "," : "") + JStr(symbols[i]);
     }
   for(int i = 0; i < ArraySize(frames); i++)
     {
      ENUM_TIMEFRAMES tf;
      if(!TfFromName(frames[i], tf))
         continue;
      int n = ArraySize(g_subTfs);
      ArrayResize(g_subTfs, n + 1);
      g_subTfs[n] = tf;
     }
   int ns = ArraySize(g_subSymbols);
   int nt = ArraySize(g_subTfs);
   ArrayResize(g_lastBarOpen, ns * nt);
   ArrayResize(g_lastTickMsc, ns);
   for(int s = 0; s < ns; s++)
     {
      g_lastTickMsc[s] = 0;
      for(int t = 0; t < nt; t++)
         g_lastBarOpen[s * nt + t] = iTime(g_subSymbols[s], g_subTfs[t], 0);
     }
   ReplyOk(id, "{\"symbols\":[" + accepted + "],\"unknown\":[" + unknown + "]}");
  }

void CmdHistory(const string line, const string id)
  {
   string wanted = JsonStr(line, "symbol", "");
   string symbol = ResolveSymbol(wanted);
   ENUM_TIMEFRAMES tf;
   if(!TfFromName(JsonStr(line, "timeframe", ""), tf))
     {
      ReplyError(id, "INVALID", "timeframe must be one of M1, M5, M15, M30, H1, H4, D1", 0);
      return;
     }
   if(StringLen(symbol) == 0)
     {
      ReplyError(id, "UNKNOWN_SYMBOL", "symbol \"" + wanted + "\" is not offered by this broker", 0);
      return;
     }
   SymbolSelect(symbol, true);
   int count = (int)MinL(EB_MAX_BARS, MaxL(1, JsonLong(line, "count", 500)));
   bool hasFrom = JsonHas(line, "from");
   bool hasTo   = JsonHas(line, "to");
   datetime forming = iTime(symbol, tf, 0);
   MqlRates rates[];
   int n = -1;
   ResetLastError();
   if(hasFrom)
      n = CopyRates(symbol, tf, UtcMsToServer(JsonLong(line, "from", 0)), hasTo ? UtcMsToServer(JsonLong(line, "to", 0)) : TimeTradeServer(), rates);
   else
      if(hasTo)
         n = CopyRates(symbol, tf, UtcMsToServer(JsonLong(line, "to", 0)), count + 1, rates);
      else
         n = CopyRates(symbol, tf, 1, count, rates); // from position 1: the forming bar is left out
   if(n < 0)
     {
      ReplyError(id, "INTERNAL", "history of " + symbol + " is not available yet (error " + IntegerToString(GetLastError()) + "); try again in a moment", 0);
      return;
     }
   int first = 0;
   int closed = 0;
   for(int i = 0; i < n; i++)
      if(forming == 0 || rates[i].time < forming)
         closed++;
   if(closed > count)
      first = closed - count;
   string bars = "";
   int seen = 0;
   for(int i = 0; i < n; i++)
     {
      if(forming != 0 && rates[i].time >= forming)
         continue;
      if(seen++ < first)
         continue;
      if(StringLen(bars) > 0)
         bars += ",";
      bars += "[" + IntegerToString(ServerToUtcMs(rates[i].time)) + "," + JNum(rates[i].open) + "," + JNum(rates[i].high) + "," +
              JNum(rates[i].low) + "," + JNum(rates[i].close) + "," + IntegerToString(rates[i].tick_volume) + "]";
     }
   ReplyOk(id, "{\"symbol\":" + JStr(symbol) + ",\"timeframe\":" + JStr(TfName(tf)) + ",\"bars\":[" + bars + "]}");
  }

void CmdPlace(const string line, const string id)
  {
   string cid    = JsonStr(line, "client_order_id", "");
   string wanted = JsonStr(line, "symbol", "");
   string symbol = ResolveSymbol(wanted);
   string side   = JsonStr(line, "side", "");
   double volume = JsonNum(line, "volume", 0);
   long   magic  = JsonLong(line, "magic", 0);
   double sl     = JsonNum(line, "sl", 0);
   double tp     = JsonNum(line, "tp", 0);
   long   dev    = JsonLong(line, "deviation", InpDeviationPoints);
   if(StringLen(cid) == 0 || StringLen(cid) > 31 || (side != "buy" && side != "sell") || volume <= 0)
     {
      ReplyError(id, "INVALID", "place needs client_order_id (1-31 characters), side buy/sell and a volume above 0", 0);
      return;
     }
   // De-duplication: an order with this client order id already traded is answered, never sent again.
   string previous;
   if(FindPlaced(cid, previous))
     {
      ReplyOk(id, previous);
      return;
     }
   if(StringLen(symbol) == 0 || !SymbolSelect(symbol, true))
     {
      ReplyError(id, "UNKNOWN_SYMBOL", "symbol \"" + wanted + "\" is not offered by this broker", 0);
      return;
     }
   if(!CanTrade(id))
      return;
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   double vmin = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MIN);
   double vmax = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MAX);
   if(step > 0)
      volume = MathFloor(volume / step + 1e-9) * step;
   volume = NormalizeDouble(MathMin(volume, vmax), 8);
   if(volume < vmin)
     {
      ReplyError(id, "INVALID", "volume is below " + symbol + "'s minimum of " + JNum(vmin) + " lots", 0);
      return;
     }
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   MqlTick tick;
   SymbolInfoTick(symbol, tick);
   g_trade.SetExpertMagicNumber((ulong)magic);
   g_trade.SetDeviationInPoints((ulong)MaxL(0, dev));
   g_trade.SetTypeFillingBySymbol(symbol);
   ENUM_ORDER_TYPE type = (side == "buy") ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
   double price = (side == "buy") ? tick.ask : tick.bid;
   bool sent = g_trade.PositionOpen(symbol, type, volume, price, sl > 0 ? NormalizeDouble(sl, digits) : 0.0, tp > 0 ? NormalizeDouble(tp, digits) : 0.0, cid);
   uint rc = g_trade.ResultRetcode();
   if(!sent || (rc != TRADE_RETCODE_DONE && rc != TRADE_RETCODE_DONE_PARTIAL && rc != TRADE_RETCODE_PLACED))
     {
      RememberRejected(cid);
      ReplyError(id, "REJECTED", g_trade.ResultRetcodeDescription(), (long)rc);
      return;
     }
   ulong deal = g_trade.ResultDeal();
   string result;
   if(deal > 0 && HistoryDealSelect(deal))
      result = PlaceResultFromDeal(deal, false);
   else
     {
      // Accepted but the deal is not in the history yet: answer with what the server said.
      result = "{\"client_order_id\":" + JStr(cid) + ",\"duplicate\":false,\"status\":\"filled\"";
      result += ",\"order\":" + JTicket((long)g_trade.ResultOrder()) + ",\"deal\":" + JTicket((long)deal);
      result += ",\"position\":" + JTicket((long)g_trade.ResultOrder()) + ",\"symbol\":" + JStr(symbol) + ",\"side\":" + JStr(side);
      result += ",\"volume\":" + JNum(g_trade.ResultVolume()) + ",\"price\":" + JNum(g_trade.ResultPrice());
      result += ",\"time\":" + IntegerToString(NowMs()) + ",\"commission\":0,\"sl\":" + JNum(sl) + ",\"tp\":" + JNum(tp);
      result += ",\"magic\":" + IntegerToString(magic) + "}";
     }
   RememberDone(cid, result);
   ReplyOk(id, result);
  }

void CmdModify(const string line, const string id)
  {
   long   ticket = JsonLong(line, "ticket", 0);
   double sl     = JsonNum(line, "sl", 0);
   double tp     = JsonNum(line, "tp", 0);
   if(ticket <= 0 || !SelectPositionById(ticket))
     {
      ReplyError(id, "NOT_FOUND", "position " + IntegerToString(ticket) + " is not open", 0);
      return;
     }
   if(!CanTrade(id))
      return;
   int digits = (int)SymbolInfoInteger(PositionGetString(POSITION_SYMBOL), SYMBOL_DIGITS);
   ulong positionTicket = (ulong)PositionGetInteger(POSITION_TICKET);
   bool sent = g_trade.PositionModify(positionTicket, sl > 0 ? NormalizeDouble(sl, digits) : 0.0, tp > 0 ? NormalizeDouble(tp, digits) : 0.0);
   uint rc = g_trade.ResultRetcode();
   if(!sent && rc != TRADE_RETCODE_NO_CHANGES)
     {
      ReplyError(id, "REJECTED", g_trade.ResultRetcodeDescription(), (long)rc);
      return;
     }
   ReplyOk(id, "{\"ticket\":" + JTicket(ticket) + ",\"sl\":" + JNum(sl) + ",\"tp\":" + JNum(tp) + "}");
  }

void CmdClose(const string line, const string id)
  {
   string cid    = JsonStr(line, "client_order_id", "");
   long   ticket = JsonLong(line, "ticket", 0);
   string pcid   = JsonStr(line, "position_client_order_id", "");
   double volume = JsonNum(line, "volume", 0);
   long   dev    = JsonLong(line, "deviation", InpDeviationPoints);
   if(StringLen(cid) == 0 || StringLen(cid) > 31 || (ticket <= 0 && StringLen(pcid) == 0))
     {
      ReplyError(id, "INVALID", "close needs client_order_id (1-31 characters) and ticket or position_client_order_id", 0);
      return;
     }
   string previous;
   if(FindClosed(cid, previous))
     {
      ReplyOk(id, previous);
      return;
     }
   bool found = (ticket > 0) ? SelectPositionById(ticket) : SelectPositionByComment(pcid);
   if(!found)
     {
      ReplyError(id, "NOT_FOUND", "position " + (ticket > 0 ? IntegerToString(ticket) : pcid) + " is not open", 0);
      return;
     }
   if(!CanTrade(id))
      return;
   string symbol     = PositionGetString(POSITION_SYMBOL);
   long   positionId = PositionGetInteger(POSITION_IDENTIFIER);
   double held       = PositionGetDouble(POSITION_VOLUME);
   bool   isBuy      = (PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY);
   if(volume <= 0 || volume > held)
      volume = held;
   MqlTick tick;
   SymbolInfoTick(symbol, tick);
   MqlTradeRequest request;
   MqlTradeResult  result;
   ZeroMemory(request);
   ZeroMemory(result);
   request.action       = TRADE_ACTION_DEAL;
   request.position     = (ulong)PositionGetInteger(POSITION_TICKET);
   request.symbol       = symbol;
   request.volume       = volume;
   request.type         = isBuy ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
   request.price        = isBuy ? tick.bid : tick.ask;
   request.deviation    = (ulong)MaxL(0, dev);
   request.magic        = (ulong)PositionGetInteger(POSITION_MAGIC);
   request.comment      = cid; // our client order id travels on the closing deal too
   request.type_filling = FillingFor(symbol);
   bool sent = OrderSend(request, result);
   if(!sent || (result.retcode != TRADE_RETCODE_DONE && result.retcode != TRADE_RETCODE_DONE_PARTIAL && result.retcode != TRADE_RETCODE_PLACED))
     {
      RememberRejected(cid);
      ReplyError(id, "REJECTED", "close refused: retcode " + IntegerToString(result.retcode) + " " + result.comment, (long)result.retcode);
      return;
     }
   string reply;
   if(result.deal > 0 && HistoryDealSelect(result.deal))
      reply = CloseResultFromDeal(result.deal, false);
   else
     {
      reply = "{\"client_order_id\":" + JStr(cid) + ",\"duplicate\":false,\"ticket\":" + JTicket(positionId);
      reply += ",\"order\":" + JTicket((long)result.order) + ",\"deal\":" + JTicket((long)result.deal);
      reply += ",\"price\":" + JNum(result.price) + ",\"volume\":" + JNum(result.volume) + ",\"time\":" + IntegerToString(NowMs());
      reply += ",\"profit\":0,\"commission\":0,\"swap\":0,\"closed\":" + JBool(!SelectPositionById(positionId)) + "}";
     }
   RememberDone(cid, reply);
   ReplyOk(id, reply);
  }

void CmdFindOrder(const string line, const string id)
  {
   string cid = JsonStr(line, "client_order_id", "");
   if(StringLen(cid) == 0)
     {
      ReplyError(id, "INVALID", "find_order needs client_order_id", 0);
      return;
     }
   long   positionId = 0;
   string position   = "null";
   if(SelectPositionByComment(cid))
     {
      positionId = PositionGetInteger(POSITION_IDENTIFIER);
      position   = PositionJson();
     }
   if(positionId == 0 && HistorySelect(TimeTradeServer() - InpHistoryDays * 86400, TimeTradeServer() + 86400))
     {
      for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(deal > 0 && HistoryDealGetString(deal, DEAL_COMMENT) == cid)
           {
            positionId = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
            break;
           }
        }
     }
   if(positionId != 0)
     {
      if(position == "null" && SelectPositionById(positionId))
         position = PositionJson();
      ReplyOk(id, "{\"found\":true,\"status\":\"filled\",\"position\":" + position + ",\"deals\":" + PositionDealsJson(positionId) + "}");
      return;
     }
   if(IsRejected(cid) || HistoryOrderRefused(cid))
     {
      ReplyOk(id, "{\"found\":true,\"status\":\"rejected\",\"position\":null,\"deals\":[]}");
      return;
     }
   ReplyOk(id, "{\"found\":false}");
  }

void CmdPositionDeals(const string line, const string id)
  {
   long ticket = JsonLong(line, "ticket", 0);
   if(ticket <= 0)
     {
      ReplyError(id, "INVALID", "position_deals needs ticket", 0);
      return;
     }
   bool   open     = SelectPositionById(ticket);
   string position = open ? PositionJson() : "null";
   ReplyOk(id, "{\"ticket\":" + JTicket(ticket) + ",\"open\":" + JBool(open) + ",\"position\":" + position + ",\"deals\":" + PositionDealsJson(ticket) + "}");
  }

void CmdResync(const string line, const string id)
  {
   ReplyOk(id, "{}");
   SendSnapshot("resync");
  }

//+------------------------------------------------------------------+
//| Trading helpers                                                  |
//+------------------------------------------------------------------+
// The broker's spelling of a symbol: exact, else the one that matches ignoring case (EURUSD for eurusd); "" if none.
string ResolveSymbol(const string name)
  {
   if(StringLen(name) == 0)
      return("");
   bool custom = false;
   if(SymbolExist(name, custom))
      return(name);
   string wanted = name;
   StringToUpper(wanted);
   int total = SymbolsTotal(false);
   for(int i = 0; i < total; i++)
     {
      string candidate = SymbolName(i, false);
      string upper = candidate;
      StringToUpper(upper);
      if(upper == wanted)
         return(candidate);
     }
   return("");
  }

bool TradeAllowed()
  {
   return(TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) != 0 && MQLInfoInteger(MQL_TRADE_ALLOWED) != 0 && AccountInfoInteger(ACCOUNT_TRADE_ALLOWED) != 0);
  }

// Refuses (with a reply) when the terminal cannot trade right now.
bool CanTrade(const string id)
  {
   if(TerminalInfoInteger(TERMINAL_CONNECTED) == 0)
     {
      ReplyError(id, "NO_CONNECTION", "the terminal is not connected to its trade server", 0);
      return(false);
     }
   if(!TradeAllowed())
     {
      ReplyError(id, "TRADE_DISABLED", "trading is not allowed: switch Algo Trading on and allow EchoBridge to trade (and check the account)", 0);
      return(false);
     }
   return(true);
  }

ENUM_ORDER_TYPE_FILLING FillingFor(const string symbol)
  {
   long modes = SymbolInfoInteger(symbol, SYMBOL_FILLING_MODE);
   if((modes & SYMBOL_FILLING_FOK) == SYMBOL_FILLING_FOK)
      return(ORDER_FILLING_FOK);
   if((modes & SYMBOL_FILLING_IOC) == SYMBOL_FILLING_IOC)
      return(ORDER_FILLING_IOC);
   return(ORDER_FILLING_RETURN);
  }

// Positions are identified by POSITION_IDENTIFIER (what deals point to); the ticket usually equals it.
bool SelectPositionById(const long positionId)
  {
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      ulong ticket = PositionGetTicket(i);
      if(ticket == 0)
         continue;
      if(PositionGetInteger(POSITION_IDENTIFIER) == positionId || (long)ticket == positionId)
         return(true);
     }
   return(false);
  }

bool SelectPositionByComment(const string comment)
  {
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      if(PositionGetTicket(i) == 0)
         continue;
      if(PositionGetString(POSITION_COMMENT) == comment)
         return(true);
     }
   return(false);
  }

// Looks for an order of ours that already traded: memory, open positions, then the history's opening deals.
bool FindPlaced(const string cid, string &result)
  {
   if(RecallDone(cid, result))
      return(true);
   if(SelectPositionByComment(cid))
     {
      long positionId = PositionGetInteger(POSITION_IDENTIFIER);
      if(HistorySelectByPosition(positionId))
        {
         for(int i = 0; i < HistoryDealsTotal(); i++)
           {
            ulong deal = HistoryDealGetTicket(i);
            if(deal > 0 && HistoryDealGetInteger(deal, DEAL_ENTRY) == DEAL_ENTRY_IN)
              {
               result = PlaceResultFromDeal(deal, true);
               return(true);
              }
           }
        }
     }
   if(HistorySelect(TimeTradeServer() - InpHistoryDays * 86400, TimeTradeServer() + 86400))
     {
      for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(deal > 0 && HistoryDealGetString(deal, DEAL_COMMENT) == cid && HistoryDealGetInteger(deal, DEAL_ENTRY) == DEAL_ENTRY_IN)
           {
            result = PlaceResultFromDeal(deal, true);
            return(true);
           }
        }
     }
   return(false);
  }

// Looks for a close of ours that already traded (a closing deal with this comment).
bool FindClosed(const string cid, string &result)
  {
   if(RecallDone(cid, result))
      return(true);
   if(HistorySelect(TimeTradeServer() - InpHistoryDays * 86400, TimeTradeServer() + 86400))
     {
      for(int i = HistoryDealsTotal() - 1; i >= 0; i--)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(deal == 0 || HistoryDealGetString(deal, DEAL_COMMENT) != cid)
            continue;
         long entry = HistoryDealGetInteger(deal, DEAL_ENTRY);
         if(entry == DEAL_ENTRY_OUT || entry == DEAL_ENTRY_OUT_BY || entry == DEAL_ENTRY_INOUT)
           {
            result = CloseResultFromDeal(deal, true);
            return(true);
           }
        }
     }
   return(false);
  }

bool HistoryOrderRefused(const string cid)
  {
   if(!HistorySelect(TimeTradeServer() - InpHistoryDays * 86400, TimeTradeServer() + 86400))
      return(false);
   for(int i = HistoryOrdersTotal() - 1; i >= 0; i--)
     {
      ulong order = HistoryOrderGetTicket(i);
      if(order == 0 || HistoryOrderGetString(order, ORDER_COMMENT) != cid)
         continue;
      long state = HistoryOrderGetInteger(order, ORDER_STATE);
      if(state == ORDER_STATE_REJECTED || state == ORDER_STATE_CANCELED || state == ORDER_STATE_EXPIRED)
         return(true);
     }
   return(false);
  }

void RememberDone(const string cid, const string result)
  {
   int n = ArraySize(g_doneIds);
   if(n >= EB_DONE_MEMORY)
     {
      ArrayRemove(g_doneIds, 0, 1);
      ArrayRemove(g_doneJson, 0, 1);
      n--;
     }
   ArrayResize(g_doneIds, n + 1);
   ArrayResize(g_doneJson, n + 1);
   g_doneIds[n]  = cid;
   g_doneJson[n] = result;
  }

bool RecallDone(const string cid, string &result)
  {
   for(int i = ArraySize(g_doneIds) - 1; i >= 0; i--)
      if(g_doneIds[i] == cid)
        {
         result = g_doneJson[i];
         StringReplace(result, "\"duplicate\":false", "\"duplicate\":true");
         return(true);
        }
   return(false);
  }

void RememberRejected(const string cid)
  {
   int n = ArraySize(g_rejectedIds);
   if(n >= EB_DONE_MEMORY)
     {
      ArrayRemove(g_rejectedIds, 0, 1);
      n--;
     }
   ArrayResize(g_rejectedIds, n + 1);
   g_rejectedIds[n] = cid;
  }

bool IsRejected(const string cid)
  {
   for(int i = ArraySize(g_rejectedIds) - 1; i >= 0; i--)
      if(g_rejectedIds[i] == cid)
         return(true);
   return(false);
  }

//+------------------------------------------------------------------+
//| JSON of terminal objects                                         |
//+------------------------------------------------------------------+
string TradeModeName()
  {
   long mode = AccountInfoInteger(ACCOUNT_TRADE_MODE);
   if(mode == ACCOUNT_TRADE_MODE_DEMO)
      return("demo");
   if(mode == ACCOUNT_TRADE_MODE_CONTEST)
      return("contest");
   return("real");
  }

string AccountJson()
  {
   long marginMode = AccountInfoInteger(ACCOUNT_MARGIN_MODE);
   string j = "{\"login\":" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN));
   j += ",\"name\":" + JStr(AccountInfoString(ACCOUNT_NAME));
   j += ",\"server\":" + JStr(AccountInfoString(ACCOUNT_SERVER));
   j += ",\"company\":" + JStr(AccountInfoString(ACCOUNT_COMPANY));
   j += ",\"currency\":" + JStr(AccountInfoString(ACCOUNT_CURRENCY));
   j += ",\"leverage\":" + IntegerToString(AccountInfoInteger(ACCOUNT_LEVERAGE));
   j += ",\"balance\":" + JNum(AccountInfoDouble(ACCOUNT_BALANCE));
   j += ",\"equity\":" + JNum(AccountInfoDouble(ACCOUNT_EQUITY));
   j += ",\"margin\":" + JNum(AccountInfoDouble(ACCOUNT_MARGIN));
   j += ",\"margin_free\":" + JNum(AccountInfoDouble(ACCOUNT_MARGIN_FREE));
   j += ",\"margin_level\":" + JNum(AccountInfoDouble(ACCOUNT_MARGIN_LEVEL));
   j += ",\"profit\":" + JNum(AccountInfoDouble(ACCOUNT_PROFIT));
   j += ",\"trade_mode\":" + JStr(TradeModeName());
   j += ",\"trade_allowed\":" + JBool(AccountInfoInteger(ACCOUNT_TRADE_ALLOWED) != 0);
   j += ",\"margin_mode\":" + JStr(marginMode == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING ? "hedging" : (marginMode == ACCOUNT_MARGIN_MODE_EXCHANGE ? "exchange" : "netting"));
   j += "}";
   return(j);
  }

string CalcModeName(const long mode)
  {
   if(mode == SYMBOL_CALC_MODE_FOREX)
      return("forex");
   if(mode == SYMBOL_CALC_MODE_FOREX_NO_LEVERAGE)
      return("forex_no_leverage");
   if(mode == SYMBOL_CALC_MODE_FUTURES)
      return("futures");
   if(mode == SYMBOL_CALC_MODE_CFD)
      return("cfd");
   if(mode == SYMBOL_CALC_MODE_CFDINDEX)
      return("cfd_index");
   if(mode == SYMBOL_CALC_MODE_CFDLEVERAGE)
      return("cfd_leverage");
   return("exchange");
  }

string SymbolTradeModeName(const long mode)
  {
   if(mode == SYMBOL_TRADE_MODE_DISABLED)
      return("disabled");
   if(mode == SYMBOL_TRADE_MODE_LONGONLY)
      return("longonly");
   if(mode == SYMBOL_TRADE_MODE_SHORTONLY)
      return("shortonly");
   if(mode == SYMBOL_TRADE_MODE_CLOSEONLY)
      return("closeonly");
   return("full");
  }

string SymbolJson(const string s)
  {
   string j = "{\"name\":" + JStr(s);
   j += ",\"description\":" + JStr(SymbolInfoString(s, SYMBOL_DESCRIPTION));
   j += ",\"path\":" + JStr(SymbolInfoString(s, SYMBOL_PATH));
   j += ",\"digits\":" + IntegerToString(SymbolInfoInteger(s, SYMBOL_DIGITS));
   j += ",\"point\":" + JNum(SymbolInfoDouble(s, SYMBOL_POINT));
   j += ",\"tick_size\":" + JNum(SymbolInfoDouble(s, SYMBOL_TRADE_TICK_SIZE));
   j += ",\"tick_value\":" + JNum(SymbolInfoDouble(s, SYMBOL_TRADE_TICK_VALUE));
   j += ",\"contract_size\":" + JNum(SymbolInfoDouble(s, SYMBOL_TRADE_CONTRACT_SIZE));
   j += ",\"volume_min\":" + JNum(SymbolInfoDouble(s, SYMBOL_VOLUME_MIN));
   j += ",\"volume_step\":" + JNum(SymbolInfoDouble(s, SYMBOL_VOLUME_STEP));
   j += ",\"volume_max\":" + JNum(SymbolInfoDouble(s, SYMBOL_VOLUME_MAX));
   j += ",\"currency_base\":" + JStr(SymbolInfoString(s, SYMBOL_CURRENCY_BASE));
   j += ",\"currency_profit\":" + JStr(SymbolInfoString(s, SYMBOL_CURRENCY_PROFIT));
   j += ",\"currency_margin\":" + JStr(SymbolInfoString(s, SYMBOL_CURRENCY_MARGIN));
   j += ",\"calc_mode\":" + JStr(CalcModeName(SymbolInfoInteger(s, SYMBOL_TRADE_CALC_MODE)));
   j += ",\"trade_mode\":" + JStr(SymbolTradeModeName(SymbolInfoInteger(s, SYMBOL_TRADE_MODE)));
   j += ",\"stops_level\":" + IntegerToString(SymbolInfoInteger(s, SYMBOL_TRADE_STOPS_LEVEL));
   j += ",\"spread\":" + IntegerToString(SymbolInfoInteger(s, SYMBOL_SPREAD));
   j += ",\"bid\":" + JNum(SymbolInfoDouble(s, SYMBOL_BID));
   j += ",\"ask\":" + JNum(SymbolInfoDouble(s, SYMBOL_ASK));
   j += "}";
   return(j);
  }

// The position must be selected.
string PositionJson()
  {
   bool isBuy = (PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY);
   string j = "{\"ticket\":" + JTicket(PositionGetInteger(POSITION_IDENTIFIER));
   j += ",\"symbol\":" + JStr(PositionGetString(POSITION_SYMBOL));
   j += ",\"side\":" + JStr(isBuy ? "buy" : "sell");
   j += ",\"volume\":" + JNum(PositionGetDouble(POSITION_VOLUME));
   j += ",\"price_open\":" + JNum(PositionGetDouble(POSITION_PRICE_OPEN));
   j += ",\"time\":" + IntegerToString(PositionGetInteger(POSITION_TIME_MSC) - g_offset * 1000);
   j += ",\"sl\":" + JNum(PositionGetDouble(POSITION_SL));
   j += ",\"tp\":" + JNum(PositionGetDouble(POSITION_TP));
   j += ",\"magic\":" + IntegerToString(PositionGetInteger(POSITION_MAGIC));
   j += ",\"comment\":" + JStr(PositionGetString(POSITION_COMMENT));
   j += ",\"swap\":" + JNum(PositionGetDouble(POSITION_SWAP));
   j += ",\"profit\":" + JNum(PositionGetDouble(POSITION_PROFIT));
   j += ",\"price_current\":" + JNum(PositionGetDouble(POSITION_PRICE_CURRENT));
   j += "}";
   return(j);
  }

string OrderTypeName(const long type)
  {
   switch((int)type)
     {
      case ORDER_TYPE_BUY:             return("buy");
      case ORDER_TYPE_SELL:            return("sell");
      case ORDER_TYPE_BUY_LIMIT:       return("buy_limit");
      case ORDER_TYPE_SELL_LIMIT:      return("sell_limit");
      case ORDER_TYPE_BUY_STOP:        return("buy_stop");
      case ORDER_TYPE_SELL_STOP:       return("sell_stop");
      case ORDER_TYPE_BUY_STOP_LIMIT:  return("buy_stop_limit");
      case ORDER_TYPE_SELL_STOP_LIMIT: return("sell_stop_limit");
     }
   return("other");
  }

// The order must be selected (OrderGetTicket).
string OrderJson(const ulong ticket)
  {
   string j = "{\"ticket\":" + JTicket((long)ticket);
   j += ",\"symbol\":" + JStr(OrderGetString(ORDER_SYMBOL));
   j += ",\"type\":" + JStr(OrderTypeName(OrderGetInteger(ORDER_TYPE)));
   j += ",\"volume\":" + JNum(OrderGetDouble(ORDER_VOLUME_CURRENT));
   j += ",\"price\":" + JNum(OrderGetDouble(ORDER_PRICE_OPEN));
   j += ",\"sl\":" + JNum(OrderGetDouble(ORDER_SL));
   j += ",\"tp\":" + JNum(OrderGetDouble(ORDER_TP));
   j += ",\"magic\":" + IntegerToString(OrderGetInteger(ORDER_MAGIC));
   j += ",\"comment\":" + JStr(OrderGetString(ORDER_COMMENT));
   j += ",\"time_setup\":" + IntegerToString(OrderGetInteger(ORDER_TIME_SETUP_MSC) - g_offset * 1000);
   j += "}";
   return(j);
  }

string DealEntryName(const long entry)
  {
   if(entry == DEAL_ENTRY_IN)
      return("in");
   if(entry == DEAL_ENTRY_OUT)
      return("out");
   if(entry == DEAL_ENTRY_INOUT)
      return("inout");
   return("out_by");
  }

string DealReasonName(const long reason)
  {
   switch((int)reason)
     {
      case DEAL_REASON_CLIENT:   return("client");
      case DEAL_REASON_MOBILE:   return("mobile");
      case DEAL_REASON_WEB:      return("web");
      case DEAL_REASON_EXPERT:   return("expert");
      case DEAL_REASON_SL:       return("sl");
      case DEAL_REASON_TP:       return("tp");
      case DEAL_REASON_SO:       return("so");
      case DEAL_REASON_ROLLOVER: return("rollover");
      case DEAL_REASON_VMARGIN:  return("vmargin");
      case DEAL_REASON_SPLIT:    return("split");
     }
   return("other");
  }

// The deal must be selectable (HistoryDealSelect or a history selection).
string DealJson(const ulong deal)
  {
   string j = "{\"ticket\":" + JTicket((long)deal);
   j += ",\"order\":" + JTicket(HistoryDealGetInteger(deal, DEAL_ORDER));
   j += ",\"position\":" + JTicket(HistoryDealGetInteger(deal, DEAL_POSITION_ID));
   j += ",\"symbol\":" + JStr(HistoryDealGetString(deal, DEAL_SYMBOL));
   j += ",\"side\":" + JStr(HistoryDealGetInteger(deal, DEAL_TYPE) == DEAL_TYPE_BUY ? "buy" : "sell");
   j += ",\"entry\":" + JStr(DealEntryName(HistoryDealGetInteger(deal, DEAL_ENTRY)));
   j += ",\"volume\":" + JNum(HistoryDealGetDouble(deal, DEAL_VOLUME));
   j += ",\"price\":" + JNum(HistoryDealGetDouble(deal, DEAL_PRICE));
   j += ",\"time\":" + IntegerToString(HistoryDealGetInteger(deal, DEAL_TIME_MSC) - g_offset * 1000);
   j += ",\"commission\":" + JNum(HistoryDealGetDouble(deal, DEAL_COMMISSION));
   j += ",\"swap\":" + JNum(HistoryDealGetDouble(deal, DEAL_SWAP));
   j += ",\"fee\":" + JNum(HistoryDealGetDouble(deal, DEAL_FEE));
   j += ",\"profit\":" + JNum(HistoryDealGetDouble(deal, DEAL_PROFIT));
   j += ",\"magic\":" + IntegerToString(HistoryDealGetInteger(deal, DEAL_MAGIC));
   j += ",\"comment\":" + JStr(HistoryDealGetString(deal, DEAL_COMMENT));
   j += ",\"reason\":" + JStr(DealReasonName(HistoryDealGetInteger(deal, DEAL_REASON)));
   j += "}";
   return(j);
  }

// All trade deals of a position, oldest first (changes the history selection).
string PositionDealsJson(const long positionId)
  {
   string j = "[";
   if(HistorySelectByPosition(positionId))
     {
      int count = 0;
      for(int i = 0; i < HistoryDealsTotal(); i++)
        {
         ulong deal = HistoryDealGetTicket(i);
         if(deal == 0)
            continue;
         long type = HistoryDealGetInteger(deal, DEAL_TYPE);
         if(type != DEAL_TYPE_BUY && type != DEAL_TYPE_SELL)
            continue;
         if(count++ > 0)
            j += ",";
         j += DealJson(deal);
        }
     }
   return(j + "]");
  }

// Result of a place, from its opening deal (selectable).
string PlaceResultFromDeal(const ulong deal, const bool duplicate)
  {
   long   positionId = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
   string symbol     = HistoryDealGetString(deal, DEAL_SYMBOL);
   string comment    = HistoryDealGetString(deal, DEAL_COMMENT);
   string side       = (HistoryDealGetInteger(deal, DEAL_TYPE) == DEAL_TYPE_BUY) ? "buy" : "sell";
   double volume     = HistoryDealGetDouble(deal, DEAL_VOLUME);
   double price      = HistoryDealGetDouble(deal, DEAL_PRICE);
   long   time       = HistoryDealGetInteger(deal, DEAL_TIME_MSC) - g_offset * 1000;
   double commission = HistoryDealGetDouble(deal, DEAL_COMMISSION);
   long   order      = HistoryDealGetInteger(deal, DEAL_ORDER);
   long   magic      = HistoryDealGetInteger(deal, DEAL_MAGIC);
   double sl = 0, tp = 0;
   if(SelectPositionById(positionId))
     {
      sl = PositionGetDouble(POSITION_SL);
      tp = PositionGetDouble(POSITION_TP);
     }
   string j = "{\"client_order_id\":" + JStr(comment) + ",\"duplicate\":" + JBool(duplicate) + ",\"status\":\"filled\"";
   j += ",\"order\":" + JTicket(order) + ",\"deal\":" + JTicket((long)deal) + ",\"position\":" + JTicket(positionId);
   j += ",\"symbol\":" + JStr(symbol) + ",\"side\":" + JStr(side) + ",\"volume\":" + JNum(volume) + ",\"price\":" + JNum(price);
   j += ",\"time\":" + IntegerToString(time) + ",\"commission\":" + JNum(commission) + ",\"sl\":" + JNum(sl) + ",\"tp\":" + JNum(tp);
   j += ",\"magic\":" + IntegerToString(magic) + "}";
   return(j);
  }

// Result of a close, from its closing deal (selectable).
string CloseResultFromDeal(const ulong deal, const bool duplicate)
  {
   long   positionId = HistoryDealGetInteger(deal, DEAL_POSITION_ID);
   string comment    = HistoryDealGetString(deal, DEAL_COMMENT);
   double price      = HistoryDealGetDouble(deal, DEAL_PRICE);
   double volume     = HistoryDealGetDouble(deal, DEAL_VOLUME);
   long   time       = HistoryDealGetInteger(deal, DEAL_TIME_MSC) - g_offset * 1000;
   double profit     = HistoryDealGetDouble(deal, DEAL_PROFIT);
   double commission = HistoryDealGetDouble(deal, DEAL_COMMISSION);
   double swap       = HistoryDealGetDouble(deal, DEAL_SWAP);
   long   order      = HistoryDealGetInteger(deal, DEAL_ORDER);
   bool   closed     = !SelectPositionById(positionId);
   string j = "{\"client_order_id\":" + JStr(comment) + ",\"duplicate\":" + JBool(duplicate);
   j += ",\"ticket\":" + JTicket(positionId) + ",\"order\":" + JTicket(order) + ",\"deal\":" + JTicket((long)deal);
   j += ",\"price\":" + JNum(price) + ",\"volume\":" + JNum(volume) + ",\"time\":" + IntegerToString(time);
   j += ",\"profit\":" + JNum(profit) + ",\"commission\":" + JNum(commission) + ",\"swap\":" + JNum(swap);
   j += ",\"closed\":" + JBool(closed) + "}";
   return(j);
  }

//+------------------------------------------------------------------+
//| Small helpers                                                    |
//+------------------------------------------------------------------+
long MaxL(const long a, const long b)
  {
   return(a > b ? a : b);
  }

long MinL(const long a, const long b)
  {
   return(a < b ? a : b);
  }

//+------------------------------------------------------------------+
//| Time and timeframes                                              |
//+------------------------------------------------------------------+
void ComputeOffset()
  {
   long diff = (long)(TimeTradeServer() - TimeGMT());
   g_offset = (long)MathRound(diff / 900.0) * 900;
  }

long NowMs()
  {
   return((long)TimeGMT() * 1000);
  }

long ServerToUtcMs(const datetime serverTime)
  {
   return(((long)serverTime - g_offset) * 1000);
  }

datetime UtcMsToServer(const long utcMs)
  {
   return((datetime)(utcMs / 1000 + g_offset));
  }

string TfName(const ENUM_TIMEFRAMES tf)
  {
   switch(tf)
     {
      case PERIOD_M1:  return("M1");
      case PERIOD_M5:  return("M5");
      case PERIOD_M15: return("M15");
      case PERIOD_M30: return("M30");
      case PERIOD_H1:  return("H1");
      case PERIOD_H4:  return("H4");
      case PERIOD_D1:  return("D1");
      default:         break;
     }
   return("");
  }

bool TfFromName(const string name, ENUM_TIMEFRAMES &tf)
  {
   if(name == "M1")  { tf = PERIOD_M1;  return(true); }
   if(name == "M5")  { tf = PERIOD_M5;  return(true); }
   if(name == "M15") { tf = PERIOD_M15; return(true); }
   if(name == "M30") { tf = PERIOD_M30; return(true); }
   if(name == "H1")  { tf = PERIOD_H1;  return(true); }
   if(name == "H4")  { tf = PERIOD_H4;  return(true); }
   if(name == "D1")  { tf = PERIOD_D1;  return(true); }
   return(false);
  }

string DeinitReasonText(const int reason)
  {
   switch(reason)
     {
      case REASON_REMOVE:      return("EchoBridge removed from the chart");
      case REASON_CHARTCLOSE:  return("chart closed");
      case REASON_CLOSE:       return("terminal closing");
      case REASON_RECOMPILE:   return("EchoBridge recompiled");
      case REASON_PARAMETERS:  return("inputs changed");
      case REASON_ACCOUNT:     return("account changed");
      case REASON_CHARTCHANGE: return("chart symbol or timeframe changed");
      case REASON_TEMPLATE:    return("template applied");
      default:                 break;
     }
   return("EchoBridge stopped (reason " + IntegerToString(reason) + ")");
  }

//+------------------------------------------------------------------+
//| JSON writing                                                     |
//+------------------------------------------------------------------+
string JStr(const string value)
  {
   string out = "\"";
   int n = StringLen(value);
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(value, i);
      if(c == '"')
         out += "\\\"";
      else
         if(c == '\\')
            out += "\\\\";
         else
            if(c == '\n')
               out += "\\n";
            else
               if(c == '\r')
                  out += "\\r";
               else
                  if(c == '\t')
                     out += "\\t";
                  else
                     if(c < 0x20)
                        out += "\\u" + StringFormat("%04X", c);
                     else
                        out += ShortToString(c);
     }
   return(out + "\"");
  }

string JNum(const double value)
  {
   if(!MathIsValidNumber(value))
      return("0");
   string s = DoubleToString(value, 8);
   if(StringFind(s, ".") >= 0)
     {
      int end = StringLen(s);
      while(end > 0 && StringGetCharacter(s, end - 1) == '0')
         end--;
      if(end > 0 && StringGetCharacter(s, end - 1) == '.')
         end--;
      s = StringSubstr(s, 0, end);
     }
   if(s == "-0" || s == "")
      s = "0";
   return(s);
  }

string JBool(const bool value)
  {
   return(value ? "true" : "false");
  }

string JTicket(const long ticket)
  {
   return("\"" + IntegerToString(ticket) + "\"");
  }

//+------------------------------------------------------------------+
//| JSON reading: values of the top-level object of one line         |
//+------------------------------------------------------------------+
int JSkipWs(const string &s, int i)
  {
   int n = StringLen(s);
   while(i < n)
     {
      ushort c = StringGetCharacter(s, i);
      if(c != ' ' && c != '\t' && c != '\r' && c != '\n')
         break;
      i++;
     }
   return(i);
  }

// s[i] is the opening quote; returns the index just past the closing one.
int JSkipString(const string &s, int i)
  {
   int n = StringLen(s);
   i++;
   while(i < n)
     {
      ushort c = StringGetCharacter(s, i);
      if(c == '\\')
        {
         i += 2;
         continue;
        }
      if(c == '"')
         return(i + 1);
      i++;
     }
   return(n);
  }

// s[i] starts a value; returns the index just past it.
int JSkipValue(const string &s, int i)
  {
   int n = StringLen(s);
   if(i >= n)
      return(n);
   ushort c = StringGetCharacter(s, i);
   if(c == '"')
      return(JSkipString(s, i));
   if(c == '{' || c == '[')
     {
      int depth = 0;
      while(i < n)
        {
         c = StringGetCharacter(s, i);
         if(c == '"')
           {
            i = JSkipString(s, i);
            continue;
           }
         if(c == '{' || c == '[')
            depth++;
         else
            if(c == '}' || c == ']')
              {
               depth--;
               if(depth == 0)
                  return(i + 1);
              }
         i++;
        }
      return(n);
     }
   while(i < n)
     {
      c = StringGetCharacter(s, i);
      if(c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
         break;
      i++;
     }
   return(i);
  }

// The raw text of the value of `key` in the top-level object, or false.
bool JsonRaw(const string &json, const string key, string &raw)
  {
   int n = StringLen(json);
   int i = JSkipWs(json, 0);
   if(i >= n || StringGetCharacter(json, i) != '{')
      return(false);
   i++;
   while(i < n)
     {
      i = JSkipWs(json, i);
      if(i >= n)
         return(false);
      ushort c = StringGetCharacter(json, i);
      if(c == '}')
         return(false);
      if(c == ',')
        {
         i++;
         continue;
        }
      if(c != '"')
         return(false);
      int keyEnd = JSkipString(json, i);
      string k = JUnescape(StringSubstr(json, i + 1, keyEnd - i - 2));
      i = JSkipWs(json, keyEnd);
      if(i >= n || StringGetCharacter(json, i) != ':')
         return(false);
      i = JSkipWs(json, i + 1);
      int valueEnd = JSkipValue(json, i);
      if(k == key)
        {
         raw = StringSubstr(json, i, valueEnd - i);
         return(true);
        }
      i = valueEnd;
     }
   return(false);
  }

int JHex(const ushort c)
  {
   if(c >= '0' && c <= '9')
      return(c - '0');
   if(c >= 'a' && c <= 'f')
      return(c - 'a' + 10);
   if(c >= 'A' && c <= 'F')
      return(c - 'A' + 10);
   return(0);
  }

string JUnescape(const string s)
  {
   if(StringFind(s, "\\") < 0)
      return(s);
   string out = "";
   int n = StringLen(s);
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(s, i);
      if(c != '\\' || i + 1 >= n)
        {
         out += ShortToString(c);
         continue;
        }
      i++;
      ushort e = StringGetCharacter(s, i);
      switch(e)
        {
         case 'n': out += "\n"; break;
         case 'r': out += "\r"; break;
         case 't': out += "\t"; break;
         case 'b': out += ShortToString(8); break;
         case 'f': out += ShortToString(12); break;
         case 'u':
            if(i + 4 < n)
              {
               ushort code = (ushort)(JHex(StringGetCharacter(s, i + 1)) * 4096 + JHex(StringGetCharacter(s, i + 2)) * 256 +
                                      JHex(StringGetCharacter(s, i + 3)) * 16 + JHex(StringGetCharacter(s, i + 4)));
               out += ShortToString(code);
               i += 4;
              }
            break;
         default:
            out += ShortToString(e); // \" \\ \/
        }
     }
   return(out);
  }

bool JsonHas(const string &json, const string key)
  {
   string raw;
   return(JsonRaw(json, key, raw) && raw != "null");
  }

string JsonStr(const string &json, const string key, const string def)
  {
   string raw;
   if(!JsonRaw(json, key, raw) || StringLen(raw) < 2 || StringGetCharacter(raw, 0) != '"')
      return(def);
   return(JUnescape(StringSubstr(raw, 1, StringLen(raw) - 2)));
  }

double JsonNum(const string &json, const string key, const double def)
  {
   string raw;
   if(!JsonRaw(json, key, raw) || raw == "null" || StringLen(raw) == 0)
      return(def);
   if(StringGetCharacter(raw, 0) == '"')
      raw = StringSubstr(raw, 1, StringLen(raw) - 2);
   return(StringToDouble(raw));
  }

// Integers, also when sent as strings (tickets).
long JsonLong(const string &json, const string key, const long def)
  {
   string raw;
   if(!JsonRaw(json, key, raw) || raw == "null" || StringLen(raw) == 0)
      return(def);
   if(StringGetCharacter(raw, 0) == '"')
      raw = StringSubstr(raw, 1, StringLen(raw) - 2);
   return(StringToInteger(raw));
  }

bool JsonBool(const string &json, const string key, const bool def)
  {
   string raw;
   if(!JsonRaw(json, key, raw))
      return(def);
   if(raw == "true")
      return(true);
   if(raw == "false")
      return(false);
   return(def);
  }

// An array of strings; returns how many.
int JsonStrArray(const string &json, const string key, string &out[])
  {
   ArrayResize(out, 0);
   string raw;
   if(!JsonRaw(json, key, raw) || StringLen(raw) < 2 || StringGetCharacter(raw, 0) != '[')
      return(0);
   int n = StringLen(raw) - 1; // the closing ]
   int i = 1;
   while(i < n)
     {
      i = JSkipWs(raw, i);
      if(i >= n)
         break;
      ushort c = StringGetCharacter(raw, i);
      if(c == ',')
        {
         i++;
         continue;
        }
      int end = JSkipValue(raw, i);
      if(c == '"')
        {
         int k = ArraySize(out);
         ArrayResize(out, k + 1);
         out[k] = JUnescape(StringSubstr(raw, i + 1, end - i - 2));
        }
      i = end;
     }
   return(ArraySize(out));
  }
//+------------------------------------------------------------------+

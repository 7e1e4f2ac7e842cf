#!/usr/bin/env python3
"""Calls `search` on `sigmic-archive mcp` with the official Python MCP client (PyPI `mcp`), over stdio.

Usage: mcp_search.py BINARY ARCHIVE QUERY...

Prints one JSON object per query: {"query", "isError", "hits" (the document's entries) or "text"}.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

binary, archive, queries = sys.argv[1], sys.argv[2], sys.argv[3:]


async def main():
    parameters = StdioServerParameters(command=binary, args=["mcp", "--archive", archive], env={"PATH": "/usr/bin:/bin"})
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            for query in queries:
                result = await session.call_tool("search", {"query": query, "limit": 20})
                text = "".join(item.text for item in result.content if getattr(item, "type", "") == "text")
                error = bool(getattr(result, "is_error", getattr(result, "isError", False)))
                answer = {"query": query, "isError": error}
                answer.update({"text": text} if error else {"hits": json.loads(text)})
                print(json.dumps(answer), flush=True)


asyncio.run(main())

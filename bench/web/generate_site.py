"""Generate the benchmark's 60-page portal-like site, deterministically.

The site imitates a Chinese city government portal (市人民政府门户网站): a home page, news list pages,
news articles, service guides (办事指南), an information-disclosure page, a message-board form and a
search page. Pages carry the markup such portals really have (top bar with 无障碍 / 关怀版 entries and a
self-hosted toolbar loader, nav, breadcrumbs, side columns, tables, forms, images, badges and filing
numbers in the footer) and a known set of accessibility defects, listed per page in `defects.json`.

Only local resources are referenced, so auditing the site contacts 127.0.0.1 and nothing else. Frames are
deliberately absent: pa11y injects axe into the top document only, so a frame would make the two tools
do different work.

    python bench/web/generate_site.py OUT_DIR [--base-url http://127.0.0.1:8000] [--pages 60]

`--pages N` (N ≥ 30) makes a larger portal of the same kinds by adding news articles (the re-audit benchmark,
bench/web/reuse.py, uses 300); the default 60 pages are the same files as before the option existed.

The same seed always gives byte-identical files (`--check` prints a digest of the tree).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20261125
CITY = "湘江市"
N_LIST_PAGES, N_ARTICLES, N_GUIDES = 5, 36, 15  # + home + 3 single pages = 60
DEFAULT_PAGES = 60
MIN_PAGES = 30  # fewer articles than that and the list pages' links would run short

PHRASES = (
    "深入学习贯彻党的二十大精神",
    "全面推进乡村振兴",
    "持续优化营商环境",
    "加快建设现代化产业体系",
    "扎实推进民生实事项目",
    "推动高质量发展",
    "加强基层治理能力建设",
    "推进政务服务“一网通办”",
    "做好安全生产工作",
    "统筹推进城乡融合发展",
    "强化生态环境保护",
    "提升公共服务水平",
    "健全养老服务体系",
    "推进无障碍环境建设",
    "巩固拓展脱贫攻坚成果",
    "加快数字政府建设",
    "落实减税降费政策",
    "保障重要民生商品供应",
    "深化“放管服”改革",
    "推进老旧小区改造",
)
SUBJECTS = (
    "市政府常务会议",
    "市委理论学习中心组",
    "市长专题调研",
    "全市工作推进会",
    "新闻发布会",
    "各区县（市）",
    "市发展和改革委员会",
    "市人力资源和社会保障局",
    "市住房和城乡建设局",
    "市卫生健康委员会",
    "市教育局",
    "市民政局",
    "市残疾人联合会",
    "市数据资源管理局",
)
VERBS = ("召开", "部署", "研究", "强调", "指出", "要求", "印发", "推进", "开展", "启动")
FILLER = ("会议指出，", "会议强调，", "据了解，", "下一步，", "与此同时，", "截至目前，", "数据显示，", "")
SERVICES = (
    "居民身份证换领",
    "城乡居民基本养老保险参保登记",
    "残疾人证新办",
    "住房公积金提取",
    "个体工商户设立登记",
    "失业保险金申领",
    "新生儿落户",
    "不动产登记资料查询",
    "老年人优待证办理",
    "机动车驾驶证换证",
    "建设工程规划许可",
    "食品经营许可",
    "社会保障卡补换",
    "医疗费用报销",
    "义务教育阶段入学登记",
)
DEPTS = (
    "市公安局",
    "市人力资源和社会保障局",
    "市残疾人联合会",
    "市住房公积金管理中心",
    "市市场监督管理局",
    "市民政局",
    "市自然资源和规划局",
    "市卫生健康委员会",
    "市教育局",
    "市医疗保障局",
)
NAV = (
    ("首页", "/index.html"),
    ("政务公开", "/zwgk/index.html"),
    ("新闻中心", "/xwzx/list_1.html"),
    ("政务服务", "/bsfw/guide_01.html"),
    ("互动交流", "/hdjl/liuyan.html"),
    ("走进湘江", "/index.html#about"),
    ("专题专栏", "/xwzx/list_2.html"),
)


@dataclass
class Page:
    path: str  # site path, e.g. "/xwzx/202604/t1003.html"
    title: str
    kind: str  # home | news-list | article | guide | disclosure | form | search
    defects: list[str] = field(default_factory=list)  # axe rule ids deliberately triggered


# ---------------------------------------------------------------------------------------------- images


def png_bytes(width: int, height: int, seed: int) -> bytes:
    """A small deterministic RGB PNG (a gradient with bands), encoded with zlib only."""
    r0, g0, b0 = (seed * 37) % 200 + 30, (seed * 71) % 200 + 30, (seed * 113) % 200 + 30
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        band = 24 if (y // 16) % 2 else 0
        for x in range(width):
            rows += bytes(((r0 + x * 60 // width + band) % 256, (g0 + y * 60 // height) % 256, (b0 + band) % 256))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


IMAGES = {  # name -> (width, height)
    "logo.png": (420, 80),
    "badge-dzjg.png": (55, 65),
    "badge-jiucuo.png": (110, 55),
    "badge-wza.png": (88, 31),
    **{f"banner{i}.png": (1000, 280) for i in range(1, 5)},
    **{f"icon{i:02d}.png": (48, 48) for i in range(1, 13)},
    **{f"photo{i:02d}.png": (480, 300) for i in range(1, 17)},
    **{f"thumb{i:02d}.png": (200, 130) for i in range(1, 9)},
    "qrcode.png": (120, 120),
}

CSS = """
*{box-sizing:border-box}body{margin:0;font:14px/1.7 "Microsoft YaHei","PingFang SC",sans-serif;color:#333;background:#f4f4f4}
a{color:#333;text-decoration:none}a:hover{color:#c00}.w{width:1200px;margin:0 auto}
.topbar{background:#eee;border-bottom:1px solid #ddd;height:34px;line-height:34px;font-size:12px}
.topbar .r{float:right}.topbar a{margin-left:14px}.head{background:#b3000f;height:130px}
.head img{margin-top:25px}.search{float:right;margin-top:45px}.search input{width:260px;height:34px;border:0;padding:0 8px}
.search button{height:34px;border:0;background:#7a000a;color:#fff;padding:0 16px}
.nav{background:#8e000c;height:48px}.nav a{float:left;color:#fff;font-size:17px;padding:0 32px;line-height:48px}
.crumb{padding:12px 0;color:#666}.main{background:#fff;padding:24px;overflow:hidden;min-height:600px}
.col-l{float:left;width:820px}.col-r{float:right;width:300px}.box{border:1px solid #e3e3e3;margin-bottom:20px}
.box h2,.box h3{margin:0;background:#f7f7f7;border-bottom:2px solid #b3000f;font-size:16px;padding:8px 12px}
.list li{list-style:none;border-bottom:1px dashed #ddd;padding:6px 0;overflow:hidden}.list span{float:right;color:#999}
.light{color:#b8b8b8}.faint{color:#c9c9c9;background:#fff}.tabs button{border:0;background:#eee;padding:6px 18px}
.tabs button.on{background:#b3000f;color:#fff}.banner{position:relative;height:280px;overflow:hidden}
.banner img{display:block}.cards a{float:left;width:16.6%;text-align:center;padding:14px 0}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:8px}th{background:#f3f3f3}
.article h1{font-size:26px;text-align:center;color:#222}.meta{text-align:center;color:#888;border-bottom:1px solid #eee;padding-bottom:10px}
.article p{text-indent:2em;font-size:16px}.article .pic{text-align:center}.share a{display:inline-block;width:28px;height:28px;background:#ddd;margin:0 4px}
form .row{margin:10px 0}form label{display:inline-block;width:120px}form input[type=text],form select,form textarea{width:360px;padding:4px}
.foot{background:#333;color:#aaa;padding:24px 0;font-size:12px;text-align:center}.foot a{color:#ccc;margin:0 6px}
.links select{width:180px;margin:0 6px}.page a,.page span{display:inline-block;border:1px solid #ddd;padding:2px 10px;margin:0 2px}
.float-ad{position:fixed;right:10px;bottom:120px;width:120px;background:#fff;border:1px solid #ccc}
"""

SITE_JS = """
(function(){
  document.querySelectorAll('.tabs').forEach(function(t){
    var btns=t.querySelectorAll('button'), panes=t.parentNode.querySelectorAll('.pane');
    btns.forEach(function(b,i){b.addEventListener('click',function(){
      btns.forEach(function(x){x.className=''});panes.forEach(function(p){p.style.display='none'});
      b.className='on';panes[i].style.display='block';});});
  });
  var fs=document.querySelectorAll('[data-fs]');
  fs.forEach(function(a){a.addEventListener('click',function(e){e.preventDefault();
    var art=document.querySelector('.article');if(art){art.style.fontSize=a.getAttribute('data-fs')+'px';}});});
  var d=document.getElementById('today');if(d){d.textContent='2026年11月25日 星期三';}
})();
"""

# A stand-in for the self-hosted govwza toolbar loader (`/wza/aria.js?appid=…`): same globals, no toolbar.
ARIA_STUB = """window.ariaAppId='%s';window.aria={start:function(){document.body.classList.add('aria-on')},
oldFixedStart:function(){document.body.style.fontSize='20px'}};"""


# ------------------------------------------------------------------------------------------ page parts


def esc(text: str) -> str:
    return html.escape(text, quote=True)


class Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        return f"{r.choice(FILLER)}{r.choice(SUBJECTS)}{r.choice(VERBS)}{r.choice(PHRASES)}，{r.choice(PHRASES)}。"

    def paragraph(self, n: int = 4) -> str:
        return "".join(self.sentence() for _ in range(n))

    def headline(self) -> str:
        r = self.rng
        return f"{r.choice(SUBJECTS)}{r.choice(VERBS)}{r.choice(PHRASES)}"

    def date(self) -> str:
        r = self.rng
        return f"2026-{r.randint(1, 11):02d}-{r.randint(1, 28):02d}"


def head(page: Page, *, lang: bool = True, title: bool = True) -> str:
    lang_attr = ' lang="zh-CN"' if lang else ""
    title_el = f"<title>{esc(page.title)}_{CITY}人民政府门户网站</title>" if title else "<title></title>"
    return (
        f'<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="SiteName" content="{CITY}人民政府门户网站">\n<meta name="SiteIDCode" content="4301000001">\n'
        f'<meta name="ColumnName" content="{esc(page.kind)}">\n{title_el}\n'
        f'<link rel="stylesheet" href="/css/site.css">\n'
        f'<script src="/wza/aria.js?appid=5f2b8c1e9a0d4e7f8b6c3a2d1e0f9a8b" id="ariascripts" defer></script>\n'
        f"</head>\n<body>\n"
    )


def header(rng: random.Random, defects: list[str], *, search_label: bool = True) -> str:
    search = (
        '<label for="kw" class="sr">站内搜索</label><input id="kw" name="q" type="text" placeholder="请输入关键词">'
        if search_label
        else '<input name="q" type="text">'
    )
    if not search_label:
        defects.append("label")
    nav = "".join(f'<a href="{href}">{esc(name)}</a>' for name, href in NAV)
    menus = "".join(
        f'<ul class="sub" hidden>{"".join(f"<li><a href={chr(34)}{href}?c={k}{chr(34)}>{esc(name)}·{esc(SUBJECTS[(i + k) % len(SUBJECTS)])}</a></li>" for k in range(10))}</ul>'
        for i, (name, href) in enumerate(NAV)
    )
    return f"""<div class="topbar"><div class="w"><span id="today"></span>
<span class="r"><a href="javascript:aria.start()">无障碍浏览</a><a href="javascript:aria.oldFixedStart()">关怀版</a>
<a href="/index.html">繁體</a><a href="/hdjl/liuyan.html">登录</a><a href="/zwgk/index.html">English</a></span></div></div>
<div class="head"><div class="w"><a href="/index.html"><img src="/img/logo.png" alt="{CITY}人民政府门户网站" width="420" height="80"></a>
<form class="search" action="/search.html" method="get" role="search">{search}<button type="submit">搜索</button></form></div></div>
<div class="nav"><div class="w">{nav}</div>{menus}</div>
"""


def footer(rng: random.Random, defects: list[str], *, badge_alt: bool = True) -> str:
    depts = "".join(f"<option>{esc(d)}</option>" for d in DEPTS)
    jiucuo_alt = ' alt="政府网站找错"' if badge_alt else ""
    friends = " ".join(
        f'<a href="/zwgk/index.html?d={k}">{esc(DEPTS[k % len(DEPTS)])}{esc(("网站", "政务网", "门户")[k % 3])}</a>'
        for k in range(40)
    )
    if not badge_alt:
        defects.append("image-alt")
    return f"""<div class="foot"><div class="w links">
<select aria-label="市直部门网站"><option>市直部门网站</option>{depts}</select>
<select aria-label="区县政府网站"><option>区县政府网站</option><option>芙蓉区</option><option>天心区</option><option>岳麓区</option></select>
<div class="friends">{friends}</div>
<p><a href="/zwgk/index.html">关于本网</a>|<a href="/index.html#map">网站地图</a>|<a href="/hdjl/liuyan.html">联系我们</a>|<a href="/zwgk/index.html">隐私声明</a></p>
<p>主办：{CITY}人民政府办公室　承办：{CITY}数据资源管理局　网站标识码：4301000001</p>
<p>湘ICP备05001234号　湘公网安备 43010202000123号　建议使用1280×768以上分辨率浏览</p>
<p><a href="/zwgk/index.html"><img src="/img/badge-dzjg.png" alt="党政机关" width="55" height="65"></a>
<a href="/hdjl/liuyan.html"><img src="/img/badge-jiucuo.png"{jiucuo_alt} width="110" height="55"></a>
<a href="/zwgk/index.html"><img src="/img/badge-wza.png" alt="信息无障碍" width="88" height="31"></a></p>
</div></div>
<script src="/js/site.js"></script>
</body>
</html>
"""


def news_items(w: Writer, links: list[str], n: int) -> str:
    items = []
    for _ in range(n):
        href = w.rng.choice(links)
        items.append(
            f'<li><a href="{href}" title="{esc(w.headline())}">{esc(w.headline())}</a><span>{w.date()}</span></li>'
        )
    return '<ul class="list">' + "".join(items) + "</ul>"


def side_column(w: Writer, articles: list[str], guides: list[str]) -> str:
    hot = news_items(w, articles, 8)
    svc = "".join(f'<li><a href="{g}">{esc(SERVICES[i % len(SERVICES)])}</a></li>' for i, g in enumerate(guides[:8]))
    return f"""<div class="col-r">
<div class="box"><h2>热点信息</h2>{hot}</div>
<div class="box"><h2>便民服务</h2><ul class="list">{svc}</ul></div>
<div class="box"><h2>扫码关注</h2><p style="text-align:center"><img src="/img/qrcode.png" alt="{CITY}发布微信公众号二维码" width="120" height="120"></p></div>
</div>"""


# ------------------------------------------------------------------------------------------ page kinds


def home(page: Page, w: Writer, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    banners = "".join(
        f'<a href="{r.choice(articles)}"><img src="/img/banner{i}.png" alt="{esc(w.headline())}" width="1000" height="280"></a>'
        for i in range(1, 5)
    )
    panes = "".join(
        f'<div class="pane" style="display:{"block" if i == 0 else "none"}">{news_items(w, articles, 10)}</div>'
        for i in range(4)
    )
    cards = []
    for i in range(12):
        alt = f' alt="{esc(SERVICES[i])}"' if i not in (3, 7) else ' alt=""'
        cards.append(
            f'<a href="{guides[i % len(guides)]}"><img src="/img/icon{i + 1:02d}.png"{alt} width="48" height="48"><br>{esc(SERVICES[i][:6])}</a>'
        )
    # two icon links whose only content is an image with empty alt: no accessible name
    cards[3] = f'<a href="{guides[3]}"><img src="/img/icon04.png" alt="" width="48" height="48"></a>'
    cards[7] = f'<a href="{guides[7]}"><img src="/img/icon08.png" alt="" width="48" height="48"></a>'
    d.append("link-name")
    rows = "".join(
        f"<tr><td>{esc(DEPTS[i])}</td><td>{r.randint(120, 990)}</td><td>{r.randint(95, 100)}%</td></tr>"
        for i in range(8)
    )
    thumbs = "".join(
        f'<li><a href="{r.choice(articles)}"><img src="/img/thumb{i:02d}.png" alt="{esc(w.headline())}" width="200" height="130"></a></li>'
        for i in range(1, 9)
    )
    d.extend(["color-contrast", "button-name"])  # faint footer note; the float-ad's empty close button
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w main">
<div class="banner">{banners}</div>
<div class="col-l">
<div class="box"><div class="tabs"><button class="on">要闻动态</button><button>部门动态</button><button>区县动态</button><button>通知公告</button></div>{panes}</div>
<div class="box"><h2>政务服务</h2><div class="cards">{"".join(cards)}</div></div>
<div class="box"><h2>办件统计</h2><table><caption>2026年10月各部门办件情况</caption>
<thead><tr><th scope="col">部门</th><th scope="col">办件量</th><th scope="col">满意率</th></tr></thead><tbody>{rows}</tbody></table></div>
<div class="box"><h2>图片新闻</h2><ul class="list">{thumbs}</ul></div>
<p class="faint">本网站由{CITY}人民政府办公室主办，所载内容未经授权不得转载。</p>
</div>
{side_column(w, articles, guides)}
</div>
<div class="float-ad"><a href="{guides[0]}"><img src="/img/thumb01.png" alt="一件事一次办" width="120" height="78"></a><button type="button" class="close"></button></div>
"""
        + footer(r, d)
    )


def news_list(page: Page, w: Writer, n: int, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    pager = "".join(
        f'<a href="/xwzx/list_{i}.html">{i}</a>' if i != n else f"<span>{i}</span>" for i in range(1, N_LIST_PAGES + 1)
    )
    items = news_items(w, articles, 25)
    if n == 3:  # list items wrapped in a div: ul may only contain li
        items = items.replace('<ul class="list">', '<ul class="list"><div class="ad">推荐</div>')
        d.append("list")
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w crumb">当前位置：<a href="/index.html">首页</a> &gt; <a href="/xwzx/list_1.html">新闻中心</a> &gt; 要闻动态</div>
<div class="w main"><div class="col-l"><div class="box"><h1 style="font-size:18px;margin:8px 12px">要闻动态</h1>{items}
<div class="page">{pager}<a href="/xwzx/list_{min(n + 1, N_LIST_PAGES)}.html">下一页</a></div></div></div>
{side_column(w, articles, guides)}</div>
"""
        + footer(r, d, badge_alt=(n != 2))
    )


def article(page: Page, w: Writer, idx: int, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    body = []
    for p in range(r.randint(8, 14)):
        body.append(f"<p>{esc(w.paragraph(r.randint(3, 6)))}</p>")
        if p in (1, 5) and r.random() < 0.8:
            photo = f"/img/photo{r.randint(1, 16):02d}.png"
            alt = f' alt="{esc(w.headline())}"' if idx % 4 else ""
            body.append(f'<p class="pic"><img src="{photo}"{alt} width="480" height="300"></p>')
            if not alt and "image-alt" not in d:
                d.append("image-alt")
    if idx % 6 == 0:  # a data table with no header cells at all (a layout-style table of data)
        rows = "".join(
            f"<tr><td>{esc(DEPTS[i])}</td><td>{r.randint(10, 99)}</td><td>{r.randint(1, 9)}.{r.randint(0, 9)}%</td></tr>"
            for i in range(6)
        )
        body.insert(3, f"<table><tr><td>单位</td><td>完成项目</td><td>同比增长</td></tr>{rows}</table>")
    if idx % 5 == 0:
        body.insert(
            2,
            f'<p class="light">（记者 {esc(r.choice(("王芳", "李强", "张敏", "刘洋")))} 通讯员 {esc(r.choice(("陈静", "杨帆", "赵磊")))}）</p>',
        )
        d.append("color-contrast")
    attach = "".join(
        f'<li><a href="/files/{page.path.rsplit("/", 1)[1][:-5]}_{k}.{ext}">附件{k}：{esc(w.headline())}.{ext}</a></li>'
        for k, ext in enumerate(("pdf", "docx", "xlsx")[: r.randint(0, 3)], 1)
    )
    share = '<div class="share">分享到：<a href="#wx" class="wx"></a><a href="#wb" class="wb"></a><a href="#qq" class="qq"></a></div>'
    d.append("link-name")
    related = news_items(w, articles, 6)
    return (
        head(page, lang=(idx != 7), title=(idx != 11))
        + header(r, d, search_label=(idx != 13))
        + f"""<div class="w crumb">当前位置：<a href="/index.html">首页</a> &gt; <a href="/xwzx/list_1.html">新闻中心</a> &gt; 正文</div>
<div class="w main"><div class="col-l article">
<h1>{esc(page.title)}</h1>
<div class="meta">来源：{esc(r.choice(DEPTS))}　发布时间：{w.date()} {r.randint(8, 18):02d}:{r.randint(0, 59):02d}　浏览次数：{r.randint(100, 9999)}
　字号：<a href="#" data-fs="20">大</a> <a href="#" data-fs="16">中</a> <a href="#" data-fs="14">小</a>　<a href="javascript:window.print()">打印</a></div>
{"".join(body)}
{"<div class='box'><h3>相关附件</h3><ul class='list'>" + attach + "</ul></div>" if attach else ""}
{share}
<div class="box"><h4>相关新闻</h4>{related}</div>
</div>
{side_column(w, articles, guides)}</div>
"""
        + footer(r, d)
    )


def guide(page: Page, w: Writer, idx: int, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    name = SERVICES[idx % len(SERVICES)]
    dept = DEPTS[idx % len(DEPTS)]
    info = (
        ("事项名称", name),
        ("实施主体", dept),
        ("事项类型", r.choice(("行政许可", "公共服务", "行政确认", "行政给付"))),
        ("法定办结时限", f"{r.randint(5, 30)}个工作日"),
        ("承诺办结时限", f"{r.randint(1, 5)}个工作日"),
        ("收费标准", "不收费"),
        ("办理地点", f"{CITY}政务服务中心{r.randint(1, 3)}楼{r.randint(1, 40)}号窗口"),
        ("咨询电话", f"0731-8{r.randint(1000000, 9999999)}"),
        ("是否支持网上办理", "是"),
        ("到现场次数", "0次"),
    )
    info_rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in info)
    materials = "".join(
        f"<tr><td>{k}</td><td>{esc(w.headline()[:14])}证明材料</td><td>原件{r.randint(1, 2)}份</td><td>{r.choice(('申请人自备', '政府部门核发'))}</td></tr>"
        for k in range(1, r.randint(5, 10))
    )
    mat_head = (
        '<thead><tr><th scope="col">序号</th><th scope="col">材料名称</th><th scope="col">份数</th><th scope="col">来源</th></tr></thead>'
        if idx % 3
        else ""
    )
    steps = "".join(f"<li>{esc(s)}：{esc(w.sentence())}</li>" for s in ("申请", "受理", "审查", "决定", "送达"))
    labelled = idx % 2 == 0

    def field_(fid: str, text: str, control: str) -> str:
        return (
            f'<div class="row"><label for="{fid}">{text}</label>{control}</div>'
            if labelled
            else f'<div class="row"><span>{text}</span>{control}</div>'
        )

    if not labelled:
        d.extend(["label", "select-name"])
    form = (
        field_(f"n{idx}", "申请人姓名", f'<input id="n{idx}" name="name" type="text" autocomplete="name">')
        + field_(f"i{idx}", "身份证号码", f'<input id="i{idx}" name="idno" type="text">')
        + field_(f"p{idx}", "联系电话", f'<input id="p{idx}" name="tel" type="text" autocomplete="tel">')
        + field_(
            f"s{idx}",
            "预约网点",
            f'<select id="s{idx}" name="site"><option>市政务服务中心</option><option>芙蓉区分中心</option><option>岳麓区分中心</option></select>',
        )
        + '<fieldset><legend>预约时段</legend><label><input type="radio" name="slot" value="am"> 上午</label>'
        '<label><input type="radio" name="slot" value="pm"> 下午</label></fieldset>'
        '<div class="row"><label><input type="checkbox" name="agree"> 我已阅读并同意《预约须知》</label></div>'
        '<div class="row"><input type="submit" value="提交预约"></div>'
    )
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w crumb">当前位置：<a href="/index.html">首页</a> &gt; <a href="/bsfw/guide_01.html">政务服务</a> &gt; 办事指南</div>
<div class="w main"><div class="col-l">
<h1 style="font-size:22px">{esc(name)}办事指南</h1>
<div class="box"><h2>基本信息</h2><table>{info_rows}</table></div>
<div class="box"><h2>申请材料</h2><table>{mat_head}<tbody>{materials}</tbody></table></div>
<div class="box"><h2>办理流程</h2><ol>{steps}</ol></div>
<div class="box"><h2>设定依据</h2><p>{esc(w.paragraph(3))}</p></div>
<div class="box"><h2>在线预约</h2><form action="/bsfw/guide_{idx:02d}.html" method="post">{form}</form></div>
<div class="box"><h2>常见问题</h2><dl>{"".join(f"<dt>问：{esc(w.headline())}？</dt><dd>答：{esc(w.paragraph(2))}</dd>" for _ in range(4))}</dl></div>
</div>
{side_column(w, articles, guides)}</div>
"""
        + footer(r, d)
    )


def disclosure(page: Page, w: Writer, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    cats = ("机构职能", "法规文件", "规划信息", "财政信息", "人事信息", "重点领域", "政策解读", "统计信息")
    boxes = "".join(f'<div class="box"><h2>{c}</h2>{news_items(w, articles, 6)}</div>' for c in cats)
    rows = "".join(
        f'<tr><td>{k}</td><td><a href="{r.choice(articles)}">{esc(w.headline())}</a></td><td>湘政办发〔2026〕{r.randint(1, 60)}号</td><td>{w.date()}</td></tr>'
        for k in range(1, 21)
    )
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w crumb">当前位置：<a href="/index.html">首页</a> &gt; 政务公开</div>
<div class="w main"><div class="col-l"><h1 style="font-size:22px">政府信息公开</h1>
<table><caption>最新文件</caption><thead><tr><th scope="col">序号</th><th scope="col">标题</th><th scope="col">文号</th><th scope="col">发布日期</th></tr></thead><tbody>{rows}</tbody></table>
{boxes}</div>{side_column(w, articles, guides)}</div>
"""
        + footer(r, d)
    )


def message_form(page: Page, w: Writer, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    d.extend(["label", "aria-valid-attr-value"])
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w crumb">当前位置：<a href="/index.html">首页</a> &gt; 互动交流 &gt; 我要写信</div>
<div class="w main"><div class="col-l"><h1 style="font-size:22px">市长信箱</h1>
<p>{esc(w.paragraph(3))}</p>
<form action="/hdjl/liuyan.html" method="post">
<div class="row"><label for="t">信件标题</label><input id="t" name="title" type="text" aria-describedby="t-help"><small id="t-help">不超过40字</small></div>
<div class="row"><label for="c">信件类别</label><select id="c" name="cat"><option>咨询</option><option>建议</option><option>投诉</option></select></div>
<div class="row"><label for="b">信件内容</label><textarea id="b" name="body" rows="8"></textarea></div>
<div class="row"><span>验证码</span><input name="captcha" type="text"><img src="/img/thumb02.png" alt="验证码" width="100" height="34"></div>
<div class="row"><label for="o">是否公开</label><input id="o" type="checkbox" role="switch" aria-checked="maybe"></div>
<div class="row"><input type="submit" value="提交"> <input type="reset" value="重置"></div>
</form>
<h2 style="font-size:18px">来信选登</h2>{news_items(w, articles, 12)}
</div>{side_column(w, articles, guides)}</div>
"""
        + footer(r, d)
    )


def search(page: Page, w: Writer, articles: list[str], guides: list[str]) -> str:
    r, d = w.rng, page.defects
    results = "".join(
        f'<div class="box" style="padding:10px"><h3 style="background:none;border:0"><a href="{r.choice(articles)}">{esc(w.headline())}</a></h3>'
        f'<p>{esc(w.paragraph(2))}</p><p style="color:#090">{w.date()}</p></div>'
        for _ in range(10)
    )
    return (
        head(page)
        + header(r, d)
        + f"""<div class="w main"><div class="col-l"><h1 style="font-size:20px">搜索结果</h1>
<form action="/search.html" method="get"><label for="q2">关键词</label><input id="q2" name="q" type="text" value="无障碍">
<label for="scope">范围</label><select id="scope"><option>全站</option><option>标题</option></select><button type="submit">搜索</button></form>
<p>共找到 {r.randint(200, 900)} 条结果</p>{results}</div>{side_column(w, articles, guides)}</div>
"""
        + footer(r, d)
    )


# ------------------------------------------------------------------------------------------ site


def plan(w: Writer, size: int = DEFAULT_PAGES) -> list[Page]:
    pages = [Page("/index.html", f"{CITY}人民政府", "home")]
    pages += [Page(f"/xwzx/list_{n}.html", "要闻动态", "news-list") for n in range(1, N_LIST_PAGES + 1)]
    for i in range(size - DEFAULT_PAGES + N_ARTICLES):
        month = 4 + i % 8
        pages.append(Page(f"/xwzx/2026{month:02d}/t{1000 + i * 7}.html", w.headline(), "article"))
    pages += [
        Page(f"/bsfw/guide_{i:02d}.html", f"{SERVICES[i % len(SERVICES)]}办事指南", "guide")
        for i in range(1, N_GUIDES + 1)
    ]
    pages += [
        Page("/zwgk/index.html", "政府信息公开", "disclosure"),
        Page("/hdjl/liuyan.html", "市长信箱", "form"),
        Page("/search.html", "搜索结果", "search"),
    ]
    return pages


def generate(out_dir: Path, seed: int = SEED, size: int = DEFAULT_PAGES) -> list[Page]:
    """Write the site of `size` pages into out_dir (created if needed) and return its pages in a fixed order."""
    if size < MIN_PAGES:
        raise ValueError(f"a site of at least {MIN_PAGES} pages, not {size}")
    rng = random.Random(seed)
    w = Writer(rng)
    pages = plan(w, size)
    articles = [p.path for p in pages if p.kind == "article"]
    guides = [p.path for p in pages if p.kind == "guide"]
    out_dir.mkdir(parents=True, exist_ok=True)
    for p in pages:
        if p.kind == "home":
            text = home(p, w, articles, guides)
        elif p.kind == "news-list":
            text = news_list(p, w, int(p.path.split("_")[1][:-5]), articles, guides)
        elif p.kind == "article":
            text = article(p, w, articles.index(p.path), articles, guides)
        elif p.kind == "guide":
            text = guide(p, w, int(p.path.split("_")[1][:-5]), articles, guides)
        elif p.kind == "disclosure":
            text = disclosure(p, w, articles, guides)
        elif p.kind == "form":
            text = message_form(p, w, articles, guides)
        else:
            text = search(p, w, articles, guides)
        p.defects = sorted(set(p.defects))
        _write(out_dir / p.path.lstrip("/"), text.encode("utf-8"))
    for i, (name, (wd, ht)) in enumerate(sorted(IMAGES.items())):
        _write(out_dir / "img" / name, png_bytes(wd, ht, i + 1))
    _write(out_dir / "css" / "site.css", CSS.encode())
    _write(out_dir / "js" / "site.js", SITE_JS.encode())
    _write(out_dir / "wza" / "aria.js", (ARIA_STUB % "5f2b8c1e9a0d4e7f8b6c3a2d1e0f9a8b").encode())
    _write(out_dir / "robots.txt", b"User-agent: *\nAllow: /\n")
    manifest = [{"path": p.path, "kind": p.kind, "title": p.title, "defects": p.defects} for p in pages]
    _write(out_dir / "defects.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return pages


def write_url_lists(out_dir: Path, pages: list[Page], base_url: str) -> tuple[Path, Path]:
    """Write sitemap.xml and urls.txt for base_url (known only once the server has a port)."""
    base = base_url.rstrip("/")
    urls = [base + p.path for p in pages]
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <url><loc>{u}</loc></url>\n" for u in urls)
        + "</urlset>\n"
    )
    _write(out_dir / "sitemap.xml", sitemap.encode())
    _write(out_dir / "urls.txt", ("\n".join(urls) + "\n").encode())
    return out_dir / "sitemap.xml", out_dir / "urls.txt"


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(root.rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--base-url", default="http://127.0.0.1:8000", help="origin written into sitemap.xml and urls.txt")
    ap.add_argument("--check", action="store_true", help="print the tree digest (same seed → same digest)")
    ap.add_argument("--pages", type=int, default=DEFAULT_PAGES, help=f"site size, ≥ {MIN_PAGES} (more articles)")
    args = ap.parse_args()
    pages = generate(args.out_dir, size=args.pages)
    write_url_lists(args.out_dir, pages, args.base_url)
    size = sum(f.stat().st_size for f in args.out_dir.rglob("*.html"))
    print(f"{len(pages)} pages, {size / 1024:.0f} KiB of HTML in {args.out_dir}")
    if args.check:
        print(tree_digest(args.out_dir))


if __name__ == "__main__":
    main()

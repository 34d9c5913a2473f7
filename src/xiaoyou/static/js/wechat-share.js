/*
 * WeChat share card (分享卡片): asks the server for the JS-SDK signature of this page, then sets
 * the card WeChat shows when the page is forwarded to a chat or posted to Moments. Loaded only
 * inside WeChat's browser, after WeChat's own jweixin script (components/share_card.html).
 * Without the SDK or a signature the page simply keeps WeChat's default card.
 */
(function () {
  "use strict";
  var element = document.getElementById("wechat-share");
  if (!element || typeof window.wx === "undefined" || !window.fetch) {
    return;
  }
  var data = element.dataset;
  // WeChat signs the address without its #fragment, exactly as the browser shows it.
  var pageUrl = window.location.href.split("#")[0];
  window
    .fetch(data.configUrl + "?url=" + encodeURIComponent(pageUrl), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
    .then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    })
    .then(function (config) {
      var wx = window.wx;
      wx.config({
        debug: false,
        appId: config.appId,
        timestamp: config.timestamp,
        nonceStr: config.nonceStr,
        signature: config.signature,
        jsApiList: ["updateAppMessageShareData", "updateTimelineShareData"],
      });
      wx.ready(function () {
        wx.updateAppMessageShareData({
          title: data.title,
          desc: data.desc,
          link: data.link,
          imgUrl: data.img,
        });
        wx.updateTimelineShareData({ title: data.title, link: data.link, imgUrl: data.img });
      });
    })
    .catch(function () {
      /* no card: sharing still works with WeChat's default */
    });
})();

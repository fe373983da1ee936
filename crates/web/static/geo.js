// The day's visits (/today): fill the hidden lat/lng of the check-in and check-out forms
// (form.geo) with the browser's location when it gives it; without it the forms post empty
// fields. A file rather than an inline script, so the Content-Security-Policy allows no inline
// script at all.
if (navigator.geolocation) {
  navigator.geolocation.getCurrentPosition(function (p) {
    document.querySelectorAll('form.geo').forEach(function (f) {
      f.elements.lat.value = p.coords.latitude.toFixed(6);
      f.elements.lng.value = p.coords.longitude.toFixed(6);
    });
  }, function () {}, { maximumAge: 60000, timeout: 8000 });
}
